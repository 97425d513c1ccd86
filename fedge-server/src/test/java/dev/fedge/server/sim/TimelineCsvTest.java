package dev.fedge.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineCsvTest {

  @Test
  void writesTheBytesTheHandWrittenVersionWrote(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("timeline.csv");

    TimelineCsv.write(file, List.of(
        new TimelineCsv.Point(1, 2.5, 3, 40, Map.of("client-001", 3, "client-000", 40),
            0.123456789),
        new TimelineCsv.Point(2, 10.0004, 38, 38, Map.of("client-000", 38), Double.NaN)));

    String nl = System.lineSeparator();
    assertEquals("round,virtual_seconds,steps_min,steps_max,steps,accuracy" + nl
        + "1,2.500,3,40,client-000:40 client-001:3,0.123457" + nl
        + "2,10.000,38,38,client-000:38," + nl, Files.readString(file));
  }
}

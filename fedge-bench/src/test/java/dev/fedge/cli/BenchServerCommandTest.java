package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchServerCommandTest {

  @Test
  @Timeout(180)
  void tinyConfiguration_runsServerAndClientProcesses_andReportsARow() {
    CliRun r = CliRun.of("bench", "server", "--clients", "2", "--params", "5000",
        "--codec", "int8", "--rounds", "2", "--server-heap", "256m", "--client-heap", "256m");

    assertEquals(0, r.code(), r.err() + r.out());
    List<String> rows = r.out().lines().filter(l -> l.startsWith("| 2 |")).toList();
    assertEquals(1, rows.size(), r.out());
    String[] cells = rows.get(0).split("\\|");
    assertEquals("5,000", cells[2].strip());
    assertEquals("int8", cells[3].strip());
    assertTrue(Double.parseDouble(cells[4].strip()) > 0, rows.get(0));
    assertTrue(Double.parseDouble(cells[6].strip()) > 0, "server RSS peak: " + rows.get(0));
    // 2 clients download 2 x 20,000 bytes (float32) and upload 2 x (5,000 + 4) bytes (int8)
    assertEquals("0.04", cells[8].strip());
    assertEquals("0.01", cells[9].strip());
  }

  @Test
  void theServerHeap_isSizedFromTheModel_notTheClients() {
    // ResNet-18 shapes, 4 upload permits, float32 uploads folded from their bytes: 11 float32
    // models of 46.8 MB (491 MiB) + 96 MiB
    assertEquals(587, BenchServerCommand.serverHeapMib(11_700_000, 4, "float32"));
    // decoded codecs hold two decoded results more
    assertEquals(587 + 90, BenchServerCommand.serverHeapMib(11_700_000, 4, "int8"), 1);
    // a tiny model still gets the fixed part
    assertEquals(97, BenchServerCommand.serverHeapMib(5000, 4, "float32"));
    assertTrue(BenchServerCommand.serverHeapMib(11_700_000, 8, "float32")
        > BenchServerCommand.serverHeapMib(11_700_000, 4, "float32"));
  }

  @Test
  void oneRound_isInvalidInput() {
    CliRun r = CliRun.of("bench", "server", "--rounds", "1");

    assertEquals(ExitException.INVALID_INPUT, r.code());
    assertEquals("fedge: --rounds must be >= 2 (round 1 is warm-up), got 1", r.err().strip());
  }
}

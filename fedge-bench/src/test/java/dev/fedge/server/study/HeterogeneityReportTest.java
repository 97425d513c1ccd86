package dev.fedge.server.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeterogeneityReportTest {

  private static Path cell(Path dir, String name, String timeline, String fleet)
      throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f);
    Files.writeString(f.resolve("timeline.csv"),
        "round,virtual_seconds,steps_min,steps_max,accuracy\n" + timeline);
    if (fleet != null) {
      Files.writeString(f.resolve("fleet.csv"),
          "class,devices,speed,images,selected,updates,images_in_model,data_share\n" + fleet);
    }
    return f;
  }

  @Test
  void timesToTargets_finalAccuracy_andDataShares_comeFromTheRunFolders(@TempDir Path dir)
      throws IOException {
    HeterogeneityReport.Cell a1 = HeterogeneityReport.read("wait", 1, cell(dir, "a1",
        "1,10.0,20,20,0.70\n2,20.0,20,20,0.81\n3,30.0,20,20,0.86\n",
        "gpu,1,20,100,3,3,100,1.0\nrpi,4,0.25,400,12,12,400,1.0\n"));
    HeterogeneityReport.Cell a2 = HeterogeneityReport.read("wait", 2, cell(dir, "a2",
        "1,12.0,20,20,0.79\n2,24.0,20,20,0.80\n3,36.0,20,20,0.84\n",
        "gpu,1,20,100,3,3,100,1.0\nrpi,4,0.25,400,12,6,200,0.5\n"));
    HeterogeneityReport.Cell b1 = HeterogeneityReport.read("drop", 1, cell(dir, "b1",
        "1,2.0,20,20,0.5\n2,4.0,20,20,0.6\n", null));

    assertEquals(20.0, a1.timeTo(0.80), 1e-9);
    assertEquals(30.0, a1.timeTo(0.85), 1e-9);
    assertTrue(Double.isNaN(a2.timeTo(0.85)));
    assertEquals(0.84, a2.finalAccuracy(), 1e-9);
    assertEquals(Map.of("gpu", 1.0, "rpi", 0.5), a2.dataShare());
    // mean of 20 and 24; 85 % reached by one of the two seeds
    assertEquals("22.0", HeterogeneityReport.meanTime(List.of(a1, a2), 0.80));
    assertEquals("30.0 (1/2)", HeterogeneityReport.meanTime(List.of(a1, a2), 0.85));
    assertEquals("never", HeterogeneityReport.meanTime(List.of(b1), 0.80));

    Map<String, String> methods = new LinkedHashMap<>();
    methods.put("wait", "waits");
    methods.put("drop", "drops");
    String md = HeterogeneityReport.markdown("T", "setup", methods, List.of(a1, a2, b1), "p.svg");
    assertTrue(md.contains("| wait | waits | 2 | 22.0 | 30.0 (1/2) | 85.0 % | 33.0 | 100.0 % |"
        + " 75.0 % |"), md);
    assertTrue(md.contains("| drop | drops | 1 | never | never | 60.0 % | 4.0 | - | - |"), md);
    assertTrue(HeterogeneityReport.plot("t", List.of(a1, b1)).render().contains("wait s1"));
  }

  @Test
  void aMissingOrMalformedTimeline_isOneLineNamingTheFile(@TempDir Path dir) throws IOException {
    IOException missing = assertThrows(IOException.class,
        () -> HeterogeneityReport.read("x", 1, dir.resolve("nothing")));
    assertTrue(missing.getMessage().contains("timeline.csv"), missing.getMessage());
    Path bad = cell(dir, "bad", "1,ten,1,1,0.5\n", null);
    IOException malformed = assertThrows(IOException.class,
        () -> HeterogeneityReport.read("x", 1, bad));
    assertTrue(malformed.getMessage().contains("line 1"), malformed.getMessage());
  }
}

package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchHeterogeneityCommandTest {

  private static String[] tiny(Path dir, String methods) throws Exception {
    Path fleet = dir.resolve("fleet.yaml");
    Files.writeString(fleet, "classes:\n  - {name: fast, count: 1, speed: 1, memory: 4GiB}\n"
        + "  - {name: slow, count: 1, speed: 0.1, memory: 1GiB}\n");
    return new String[] {"bench", "heterogeneity", "--methods", methods, "--seeds", "1",
        "--rounds", "2", "--deadline", "1s", "--local-epochs", "1", "--train-limit", "400",
        "--test-limit", "200", "--fleet", fleet.toString(), "--results",
        dir.resolve("res").toString()};
  }

  @Test
  void cellsRun_thenAreSkipped_andTheReportSaysWhichClassesDataReachedTheModel(@TempDir Path dir)
      throws Exception {
    // 2 devices x ~200 images, 1 epoch: the fast one needs 0.2 virtual s, the slow one 2 s
    CliRun run = CliRun.of(tiny(dir, "fedavg-wait,fedavg-drop"));
    CliRun again = CliRun.of(tiny(dir, "fedavg-wait,fedavg-drop"));

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("[2/2 fedavg-drop s1] round 2/2  accuracy"), run.out());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("[1/2 fedavg-wait s1] complete, skipped"), again.out());
    String md = Files.readString(dir.resolve("res/REPORT.md"));
    // waiting: both classes' data is in; dropping at 1 s: the slow device never gets an update in
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| fedavg-wait |") && l.endsWith(
        "| 100.0 % | 100.0 % |")), md);
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| fedavg-drop |") && l.endsWith(
        "| 100.0 % | 0.0 % |")), md);
    assertTrue(Files.exists(dir.resolve("res/REPORT-time.svg")));
    List<String> timeline = Files.readAllLines(dir.resolve("res/fedavg-drop-s1/timeline.csv"));
    assertTrue(timeline.get(2).startsWith("2,2.000,"), timeline.toString());
  }

  @Test
  void heteroFl_givesTheSlowestClassAQuarterWidth_andItsBaselineLeavesItOut(@TempDir Path dir)
      throws Exception {
    CliRun run = CliRun.of(tiny(dir, "heterofl,slowest-excluded"));

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("[1/2 heterofl s1] HeteroFL widths 1,0.25: clients by width "
        + "{0.25=1, 1=1}"), run.out());
    assertTrue(run.out().contains("[2/2 slowest-excluded s1] HeteroFL widths 1,none: clients by "
        + "width {1=1, none=1}"), run.out());
    String md = Files.readString(dir.resolve("res/REPORT.md"));
    // the quarter-width slow device's data reaches the model; left out, none of it does
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| heterofl |") && l.endsWith(
        "| 100.0 % | 100.0 % |")), md);
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| slowest-excluded |") && l.endsWith(
        "| 100.0 % | 0.0 % |")), md);
    assertTrue(Files.readAllLines(dir.resolve("res/heterofl-s1/metrics.csv")).get(0)
        .contains("accuracy_w0.25"));
  }

  @Test
  void anUnknownMethod_isOneLineNamingIt(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of(tiny(dir, "fedavg-wait,fedsomething"));
    assertEquals(2, run.code(), run.out());
    assertTrue(run.err().contains("--methods: unknown method 'fedsomething'"), run.err());
    assertTrue(run.errLines() <= 2, run.err());
  }
}

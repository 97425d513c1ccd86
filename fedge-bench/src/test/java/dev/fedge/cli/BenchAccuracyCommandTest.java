package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.store.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchAccuracyCommandTest {

  private static String[] tiny(Path dir, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "bench",
                "accuracy",
                "--quick",
                "--cells",
                "fedavg:iid,fedntd:iid",
                "--rounds",
                "2",
                "--clients",
                "2",
                "--fraction",
                "1",
                "--train-limit",
                "300",
                "--test-limit",
                "200",
                "--results",
                dir.resolve("results").toString(),
                "--report",
                dir.resolve("docs/ACC.md").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void twoTinyCellsRunThenAreSkippedAndTheReportIsBuilt(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of(tiny(dir));
    CliRun again = CliRun.of(tiny(dir));

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("[fedavg iid s1] round 2/2  accuracy"), run.out());
    assertTrue(run.out().contains("[fedntd iid s1] round 1/2  accuracy"), run.out());
    for (String alg : List.of("fedavg", "fedntd")) {
      List<MetricsCsv.Row> rows =
          new MetricsCsv(dir.resolve("results/iid/" + alg + "-s1.csv")).read();
      assertEquals(2, rows.size(), alg);
      assertTrue(rows.get(1).accuracy() > 0.1, alg + " learned something: " + rows);
      assertTrue(
          Files.readString(dir.resolve("results/iid/" + alg + "-s1.json"))
              .contains("\"complete\" : true"));
    }
    String md = Files.readString(dir.resolve("docs/ACC.md"));
    assertTrue(md.contains("| fedavg | "), md);
    assertTrue(md.contains("| fedntd | "), md);
    assertTrue(md.contains("./fedge bench accuracy --quick --cells fedavg:iid,fedntd:iid"), md);
    assertTrue(Files.readString(dir.resolve("docs/accuracy-iid.svg")).contains("<polyline"));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("[fedavg iid s1] complete (2 rounds), skipped"), again.out());
    assertTrue(again.out().contains("[fedntd iid s1] complete (2 rounds), skipped"), again.out());
  }

  @Test
  void reportOnlyRunsNothing(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of(tiny(dir, "--report-only"));

    assertEquals(0, run.code(), run.err());
    assertTrue(!Files.exists(dir.resolve("results/iid")));
    assertTrue(Files.readString(dir.resolve("docs/ACC.md")).contains("**Status: partial.** 0"));
  }

  @Test
  void badCellsAreOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
    CliRun unknown =
        CliRun.of("bench", "accuracy", "--cells", "fedavgg:iid", "--results", dir.toString());
    CliRun partition =
        CliRun.of(
            "bench", "accuracy", "--cells", "partition=shards:0", "--results", dir.toString());
    CliRun rounds = CliRun.of("bench", "accuracy", "--rounds", "0", "--results", dir.toString());

    assertEquals(2, unknown.code());
    assertEquals(1, unknown.errLines(), unknown.err());
    assertTrue(unknown.err().contains("unknown algorithm 'fedavgg'"), unknown.err());
    assertEquals(2, partition.code());
    assertEquals(1, partition.errLines(), partition.err());
    assertTrue(partition.err().contains("bad partition 'shards:0'"), partition.err());
    assertEquals(2, rounds.code());
    assertTrue(rounds.err().contains("rounds must be >= 1, got 0"), rounds.err());
  }
}

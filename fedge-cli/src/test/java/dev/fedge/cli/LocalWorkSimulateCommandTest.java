package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge simulate --local-work deadline}: each device does the work that fits. */
class LocalWorkSimulateCommandTest {

  @Test
  void theSlowDeviceTrainsFewerSteps_bothContributeEveryRound_theRoundLastsAboutTheDeadline(
      @TempDir Path dir) throws Exception {
    // 2 clients x 300 images, batch 32, 2 epochs (20 steps). Deadline 0.3 virtual s: the speed-1
    // device (1,000 img/s) fits floor(0.3 x 1000 / 32) = 9 steps (0.288 s), the speed-0.25 one
    // floor(0.3 x 250 / 32) = 2 steps (0.256 s). With epochs, the slow one takes 2.4 s a round.
    String[] common = {"simulate", "--clients", "2", "--rounds", "2", "--train-limit", "600",
        "--test-limit", "200", "--client-speeds", "1,0.25"};
    CliRun deadline = CliRun.of(concat(common, "--local-work", "deadline", "--round-deadline",
        "300ms", "--out", dir.resolve("d").toString()));
    CliRun epochs = CliRun.of(concat(common, "--out", dir.resolve("e").toString()));

    assertEquals(0, deadline.code(), deadline.err());
    assertEquals(0, epochs.code(), epochs.err());
    // steps: each task's local steps, the fast device's 9 and the slow one's 2
    assertEquals(List.of(HEADER, "1,0.288,2,9,client-000:9 client-001:2",
        "2,0.576,2,9,client-000:9 client-001:2"), head(dir.resolve("d")));
    assertEquals(List.of(HEADER, "1,2.400,20,20,client-000:20 client-001:20",
        "2,4.800,20,20,client-000:20 client-001:20"), head(dir.resolve("e")));
    assertTrue(deadline.out().contains("combined by fedavg"), deadline.out());
    String config = Files.readString(dir.resolve("d/config.yaml"));
    assertTrue(config.contains("local-work: \"deadline\"") || config.contains("local-work: deadline"),
        config);
    // both clients' updates are in every round
    List<String> metrics = Files.readAllLines(dir.resolve("d/metrics.csv"));
    int clientsCol = List.of(metrics.get(0).split(",")).indexOf("participants");
    assertTrue(clientsCol >= 0, metrics.get(0));
    // and metrics.csv says how many steps the slowest and the fastest client did
    assertTrue(metrics.get(0).endsWith(",steps_min,steps_max"), metrics.get(0));
    for (String row : metrics.subList(1, metrics.size())) {
      String[] cells = row.split(",", -1);
      assertEquals("2", cells[clientsCol], row);
      assertEquals(2.0, Double.parseDouble(cells[cells.length - 2]), row);
      assertEquals(9.0, Double.parseDouble(cells[cells.length - 1]), row);
    }
    assertFalse(Files.readAllLines(dir.resolve("e/metrics.csv")).get(0).contains("steps"),
        "fixed epochs: no steps columns");
  }

  @Test
  void fixedEpochsWithARoundDeadline_dropTheDeviceThatCannotFinish(@TempDir Path dir)
      throws Exception {
    // as above, with epochs: the fast device needs 0.6 s, the slow one 2.4 s; the round closes at
    // 1 s, so every round lasts 1 s and has the fast device's update only
    CliRun run = CliRun.of("simulate", "--clients", "2", "--rounds", "2", "--train-limit", "600",
        "--test-limit", "200", "--client-speeds", "1,0.25", "--round-deadline", "1s", "--out",
        dir.toString());

    assertEquals(0, run.code(), run.err());
    assertEquals(List.of(HEADER, "1,1.000,20,20,client-000:20 client-001:20",
        "2,2.000,20,20,client-000:20 client-001:20"), head(dir));
    assertTrue(run.out().contains("1 device needs longer and is dropped whenever selected: "
        + "client-001 (2.4 s)"), run.out());
    List<String> metrics = Files.readAllLines(dir.resolve("metrics.csv"));
    int clientsCol = List.of(metrics.get(0).split(",")).indexOf("participants");
    for (String row : metrics.subList(1, metrics.size())) {
      assertEquals("1", row.split(",", -1)[clientsCol], row);
    }
  }

  @Test
  void badLocalWorkSettingsGetOneLine(@TempDir Path dir) throws Exception {
    String[][] cases = {
      {"--local-work", "deadline"},
      {"--local-work", "sometimes", "--round-deadline", "1s"},
      {"--local-work", "deadline", "--round-deadline", "-1s"},
      {"--local-work", "deadline", "--round-deadline", "1s", "--min-local-steps", "0"},
      {"--local-work", "deadline", "--round-deadline", "1s", "--strategy", "fedbuff"},
      {"--round-deadline", "1s", "--strategy", "fedbuff"},
    };
    String[] says = {"round-deadline: local-work deadline needs a round deadline",
        "local-work: expected epochs or deadline", "round-deadline", "min-local-steps must be >= 1",
        "'fedbuff' is asynchronous", "'fedbuff' is asynchronous (it has no rounds to close)"};
    for (int k = 0; k < cases.length; k++) {
      CliRun run = CliRun.of(concat(concat(new String[] {"simulate"}, cases[k]), "--train-limit",
          "200", "--out", dir.resolve("x" + k).toString()));
      String what = String.join(" ", cases[k]);
      assertEquals(2, run.code(), what + " -> " + run.err() + run.out());
      assertTrue(run.errLines() <= 2, what + " printed: " + run.err());
      assertTrue(run.err().contains(says[k]), what + " printed: " + run.err());
    }
  }

  private static final String HEADER = "round,virtual_seconds,steps_min,steps_max,steps,accuracy";

  /** timeline.csv's header and rows without their accuracy. */
  private static List<String> head(Path run) throws Exception {
    return Files.readAllLines(run.resolve("timeline.csv")).stream()
        .map(l -> l.startsWith("round,") ? l : l.substring(0, l.lastIndexOf(',')))
        .toList();
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}

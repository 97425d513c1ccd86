package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge simulate --widths}: HeteroFL with real DJL training. */
class HeteroFlSimulateCommandTest {

  @Test
  void eachClientTrainsItsWidth_andEveryWidthIsEvaluatedEachRound(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("h");
    CliRun run = CliRun.of("simulate", "--clients", "3", "--rounds", "2", "--train-limit", "300",
        "--test-limit", "100", "--local-epochs", "1", "--widths", "1,0.5,0.25", "--out",
        out.toString());

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("clients by width {0.25=1, 0.5=1, 1=1}"), run.out());
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    List<String> header = List.of(metrics.get(0).split(","));
    int half = header.indexOf("accuracy_w0.5");
    int quarter = header.indexOf("accuracy_w0.25");
    assertTrue(half > 0 && quarter > 0, metrics.get(0));
    assertEquals(3, metrics.size(), metrics.toString());
    for (String row : metrics.subList(1, 3)) {
      String[] c = row.split(",", -1);
      for (int k : new int[] {1, half, quarter}) {
        double acc = Double.parseDouble(c[k]);
        assertTrue(acc >= 0 && acc <= 1, row);
      }
      assertEquals("3", c[header.indexOf("participants")], row);
    }
    String manifest = Files.readString(out.resolve("manifest.json")).replaceAll("\\s", "");
    assertTrue(manifest.contains("\"client_widths\":{\"client-000\":1.0,\"client-001\":0.5,"
        + "\"client-002\":0.25}"), manifest);
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("1,0.5,0.25"));
    // the quarter-width client's task takes its share of the full model's computation
    List<String> timeline = Files.readAllLines(out.resolve("timeline.csv"));
    assertTrue(timeline.size() == 3, timeline.toString());
  }

  @Test
  void autoGivesEachDeviceAWidthFromItsFleetSpeedAndMemory(@TempDir Path dir) throws Exception {
    // a desktop (20), a Jetson 10x slower (one halving) and a Pi 80x slower (two); a 512 MiB
    // device cannot train even the quarter-width cnn (needs 2 x 362 MiB), so it takes no part
    Path fleet = dir.resolve("fleet.yaml");
    Files.writeString(fleet, String.join("\n", "classes:",
        "  - {name: desktop, count: 1, speed: 20, memory: 12GiB}",
        "  - {name: jetson, count: 1, speed: 2, memory: 4GiB}",
        "  - {name: pi, count: 1, speed: 0.25, memory: 4GiB}",
        "  - {name: tiny, count: 1, speed: 0.25, memory: 512MiB}", ""));
    Path out = dir.resolve("a");
    CliRun run = CliRun.of("simulate", "--fleet", fleet.toString(), "--rounds", "1",
        "--train-limit", "200", "--test-limit", "50", "--local-epochs", "1", "--widths", "auto",
        "--out", out.toString());

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("clients by width {0.25=1, 0.5=1, 1=1, none=1}"), run.out());
    List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals("3", metrics.get(1).split(",", -1)[List.of(metrics.get(0).split(","))
        .indexOf("participants")], metrics.toString());
  }

  @Test
  void badWidthsGetOneLineNamingTheKey(@TempDir Path dir) throws Exception {
    String[][] cases = {
      {"--widths", "0,abc"},
      {"--widths", "1,1.5"},
      {"--widths", "none"},
      {"--widths", "1,0.5", "--strategy", "fedadam"},
      {"--widths", "1,0.5", "--model", "mobilenetv2"},
    };
    String[] says = {"widths: expected auto, or widths in (0, 1] (or none) separated by commas, "
        + "got '0' in '0,abc'", "got '1.5' in '1,1.5'", "widths: at least one device",
        "strategy 'fedadam' cannot be combined with widths", "got model 'mobilenetv2'"};
    for (int k = 0; k < cases.length; k++) {
      String[] args = new String[cases[k].length + 5];
      args[0] = "simulate";
      System.arraycopy(cases[k], 0, args, 1, cases[k].length);
      args[cases[k].length + 1] = "--train-limit";
      args[cases[k].length + 2] = "200";
      args[cases[k].length + 3] = "--out";
      args[cases[k].length + 4] = dir.resolve("x" + k).toString();
      CliRun run = CliRun.of(args);
      String what = String.join(" ", cases[k]);
      assertEquals(2, run.code(), what + " -> " + run.err() + run.out());
      assertTrue(run.errLines() <= 2, what + " printed: " + run.err());
      assertTrue(run.err().contains(says[k]), what + " printed: " + run.err());
    }
  }
}

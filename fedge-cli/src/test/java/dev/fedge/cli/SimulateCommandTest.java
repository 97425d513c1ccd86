package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {

  @Test
  void aSmallFederatedRunLearnsAndWritesTheRunFolder(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");

    CliRun run = CliRun.of("simulate", "--clients", "4", "--rounds", "3", "--train-limit", "4000",
        "--test-limit", "1000", "--lr", "0.05", "--momentum", "0.5", "--out", out.toString());

    assertEquals(0, run.code(), run.err() + run.out());
    List<MetricsCsv.Row> rows = new MetricsCsv(out.resolve("metrics.csv")).read();
    assertEquals(3, rows.size());
    double last = rows.get(2).accuracy();
    assertTrue(last > 0.6, "accuracy after 3 rounds on 4,000 images: " + last);
    assertTrue(last >= 0 && last <= 1);
    assertTrue(Files.readString(out.resolve("metrics.csv")).startsWith("round,accuracy,loss"));
    assertTrue(run.out().contains("round   3/3"), run.out());
    assertTrue(run.out().contains("final accuracy"), run.out());
    SafeTensors.Contents model = SafeTensors.read(out.resolve("model.safetensors"));
    assertEquals(1_663_370, model.parameters().size());
    assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"sha256\""));
    // what serving the model needs, for any data set: input shape and normalisation
    com.fasterxml.jackson.databind.JsonNode prov =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve("manifest.json").toFile())
            .path("provenance");
    assertEquals(1, prov.path("input").path("channels").asInt(), prov.toString());
    assertEquals(28, prov.path("input").path("height").asInt(), prov.toString());
    assertEquals(1, prov.path("normalization").path("mean").size(), prov.toString());
    assertTrue(prov.path("normalization").path("std").get(0).asDouble() > 0, prov.toString());
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("clients: 4"));
    assertTrue(Files.size(out.resolve("partition.json")) > 0);
    assertTrue(Files.readString(out.resolve("accuracy.svg")).contains("<svg"));
  }

  @Test
  void theSameSeedGivesTheSameRun(@TempDir Path dir) throws Exception {
    String[] common = {"simulate", "--clients", "2", "--rounds", "1", "--train-limit", "600",
        "--test-limit", "300", "--seed", "7"};
    CliRun a = CliRun.of(concat(common, "--out", dir.resolve("a").toString()));
    CliRun b = CliRun.of(concat(common, "--out", dir.resolve("b").toString()));

    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    assertEquals(
        SafeTensors.read(dir.resolve("a/model.safetensors")).parameters(),
        SafeTensors.read(dir.resolve("b/model.safetensors")).parameters());
  }

  @Test
  void fedbuffStepsAsynchronously_andTheSameSeedGivesTheSameRun(@TempDir Path dir)
      throws Exception {
    // 3 clients, buffer 2, concurrency 3: every step after the first takes a stale update
    String[] common = {"simulate", "--clients", "3", "--rounds", "3", "--train-limit", "900",
        "--test-limit", "300", "--seed", "5", "--strategy", "fedbuff",
        "--strategy-opt", "buffer_size=2", "--strategy-opt", "concurrency=3"};
    CliRun a = CliRun.of(concat(common, "--out", dir.resolve("a").toString()));
    CliRun b = CliRun.of(concat(common, "--out", dir.resolve("b").toString()));

    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    List<MetricsCsv.Row> rows = new MetricsCsv(dir.resolve("a/metrics.csv")).read();
    assertEquals(List.of(2, 2, 2), rows.stream().map(MetricsCsv.Row::participants).toList());
    assertTrue(a.out().contains("staleness 0.00 (max 0)"), a.out());
    assertTrue(a.out().contains("staleness 1.00 (max 1)"), a.out());
    assertEquals(
        SafeTensors.read(dir.resolve("a/model.safetensors")).parameters(),
        SafeTensors.read(dir.resolve("b/model.safetensors")).parameters());
  }

  @Test
  void clientSpeedsSetTheVirtualClock_aSynchronousRoundWaitsForItsSlowestClient_fedbuffDoesNot(
      @TempDir Path dir) throws Exception {
    // 300 images x 2 epochs per task: 0.6 virtual s at speed 1, 6 s for the speed-0.1 device
    String[] common = {"simulate", "--clients", "3", "--rounds", "2", "--train-limit", "900",
        "--test-limit", "200", "--client-speeds", "1,1,0.1"};
    CliRun sync = CliRun.of(concat(common, "--out", dir.resolve("sync").toString()));
    CliRun async = CliRun.of(concat(common, "--strategy", "fedbuff", "--strategy-opt",
        "buffer_size=2", "--strategy-opt", "concurrency=3", "--out",
        dir.resolve("async").toString()));

    assertEquals(0, sync.code(), sync.err());
    assertEquals(0, async.code(), async.err());
    String all = "client-000:20 client-001:20 client-002:20,";
    assertEquals(List.of(HEADER, "1,6.000,20,20," + all, "2,12.000,20,20," + all),
        timeline(dir.resolve("sync")));
    assertEquals(List.of(HEADER, "1,0.600,20,20," + all, "2,1.200,20,20," + all),
        timeline(dir.resolve("async")));
    assertTrue(sync.out().contains("t 12.0s virtual"), sync.out());
    assertTrue(Files.readString(dir.resolve("async/accuracy-time.svg")).contains("<svg"));
  }

  private static final String HEADER = "round,virtual_seconds,steps_min,steps_max,steps,accuracy";

  /** timeline.csv without its accuracy values. */
  private static List<String> timeline(Path run) throws Exception {
    return Files.readAllLines(run.resolve("timeline.csv")).stream()
        .map(l -> l.startsWith("round,") ? l : l.substring(0, l.lastIndexOf(',') + 1))
        .toList();
  }

  @Test
  void readsSettingsFromYamlWithFlagsWinning(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("sim.yaml");
    Files.writeString(cfg, String.join("\n",
        "clients: 3", "rounds: 5", "train-limit: 600", "test-limit: 200",
        "strategy:", "  name: fedprox", "  mu: 0.5", ""));

    CliRun run = CliRun.of("simulate", "--config", cfg.toString(), "--rounds", "1",
        "--out", dir.resolve("r").toString());

    assertEquals(0, run.code(), run.err());
    String resolved = Files.readString(dir.resolve("r/config.yaml"));
    assertTrue(resolved.contains("rounds: 1"), resolved);
    assertTrue(resolved.contains("clients: 3"), resolved);
    assertTrue(resolved.contains("strategy: \"fedprox\"") || resolved.contains("strategy: fedprox"),
        resolved);
    assertTrue(resolved.contains("mu"), resolved);
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
    Path badYaml = dir.resolve("bad.yaml");
    Files.writeString(badYaml, "rounds: [1, 2\n");
    Path unknownKey = dir.resolve("unknown.yaml");
    Files.writeString(unknownKey, "roundz: 3\n");
    Path wrongType = dir.resolve("type.yaml");
    Files.writeString(wrongType, "clients: ten\n");
    String[][] cases = {
      {"--dataset", "imagenet"},
      {"--model", "vgg99"},
      {"--partition", "random"},
      {"--partition", "dirichlet:0"},
      {"--partition", "dirichlet:-1"},
      {"--strategy", "fedmagic"},
      {"--clients", "5000", "--train-limit", "100"},
      {"--config", badYaml.toString()},
      {"--config", unknownKey.toString()},
      {"--config", wrongType.toString()},
      {"--config", dir.resolve("missing.yaml").toString()},
      {"--rounds", "abc"},
      {"--client-speeds", "1,0"},
      {"--client-speeds", "fast"},
    };
    for (String[] c : cases) {
      CliRun run = CliRun.of(concat(concat(new String[] {"simulate"}, c), "--out",
          dir.resolve("x").toString()));
      String what = String.join(" ", c);
      assertEquals(2, run.code(), what + " -> " + run.err() + run.out());
      assertTrue(run.errLines() <= 2, what + " printed: " + run.err());
      assertTrue(run.err().startsWith("fedge: ") || run.err().contains("Invalid value"),
          what + " printed: " + run.err());
      assertTrue(!run.err().contains("\tat "), what + " printed a stack trace: " + run.err());
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}

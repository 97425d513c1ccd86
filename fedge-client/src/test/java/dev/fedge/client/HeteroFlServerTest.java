package dev.fedge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.ml.Models;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.Submodels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HeteroFL on a server ({@code widths: 1,0.5}): a real server with the standard runs (DJL {@code
 * cnn} on Fashion-MNIST) and two real edge agents over gRPC, each training with DJL on 200 images.
 */
@Timeout(300)
class HeteroFlServerTest {

  @TempDir Path dir;
  private final List<EdgeAgent> agents = new ArrayList<>();
  /** Per device: the sizes of the models it was sent, and its last update. */
  private final Map<String, List<Integer>> sizes = new ConcurrentHashMap<>();
  private final Map<String, FitRes> lastUpdate = new ConcurrentHashMap<>();

  @AfterEach
  void stopAgents() {
    agents.forEach(EdgeAgent::close);
  }

  /** The device's DJL trainers, noting what each task was sent and what it gave back. */
  private TrainerFactory noting(String device, DjlTrainers djl) {
    return new TrainerFactory() {
      @Override
      public LocalTrainer trainerFor(ParameterLayout layout) {
        return trainerFor(layout, Config.empty());
      }

      @Override
      public LocalTrainer trainerFor(ParameterLayout layout, Config config) {
        LocalTrainer t = djl.trainerFor(layout, config);
        return new LocalTrainer() {
          @Override
          public ParameterLayout layout() {
            return t.layout();
          }

          @Override
          public FitRes fit(FitIns ins) {
            sizes.computeIfAbsent(device, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(ins.parameters().layout().totalSize());
            FitRes res = t.fit(ins);
            lastUpdate.put(device, res);
            return res;
          }

          @Override
          public EvaluateRes evaluate(EvaluateIns ins) {
            return t.evaluate(ins);
          }
        };
      }

      @Override
      public void close() {
        djl.close();
      }
    };
  }

  private void startAgent(int port, String name, int index) throws Exception {
    startAgent(port, name, index, new DeviceProbe());
  }

  private void startAgent(int port, String name, int index, DeviceProbe probe) throws Exception {
    LocalData data = LocalData.load(
        new LocalData.Spec("fashion-mnist", dir, "iid", index, 2, 42, 400, 50));
    AgentSettings s = new AgentSettings("127.0.0.1:" + port, null, null, name,
        Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(400));
    EdgeAgent agent = new EdgeAgent(s, noting(name, new DjlTrainers(data, 7, 1)), probe, l -> {});
    agents.add(agent);
    CompletableFuture.runAsync(agent::run);
  }

  /** A 2-round cnn run of two devices with these widths, on the test's data. */
  private RunSpec cnnRun(String id, String widths) {
    return new RunSpec(id, "g", "p", 2, 2, 2, Duration.ofMinutes(3), "float32",
        Map.of("strategy", "fedavg", "model", "cnn", "widths", widths, "data-dir",
            dir.toString(), "test-limit", "100", "local-epochs", "1", "batch-size", "32",
            "lr", "0.05", "threads", "1"));
  }

  @Test
  void widths_devicesTrainSubmodelsOfTheirWidth_andTheServerAveragesEachParameterOverItsHolders()
      throws Exception {
    RunSpec spec = cnnRun("hetero", "1,0.5");
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir.resolve("state"), 0),
        FederationServer.standardRuns(), null)) {
      startAgent(server.port(), "a", 0);
      startAgent(server.port(), "b", 1);

      RunRecord done = server.run(spec);

      assertEquals(RunRecord.FINISHED, done.status());
      ParameterLayout full = Models.create("cnn", 1, 28, 28, 10).layout();
      ParameterLayout half = Models.create("cnn-x0.5", 1, 28, 28, 10).layout();
      // one device was given the full model, the other the half-width submodel, both rounds
      List<List<Integer>> sent = sizes.values().stream().sorted(
          java.util.Comparator.comparing(l -> l.get(0))).toList();
      assertEquals(List.of(List.of(half.totalSize(), half.totalSize()),
          List.of(full.totalSize(), full.totalSize())), sent, sizes::toString);
      assertTrue(half.totalSize() < full.totalSize() / 2, half.totalSize() + " of " + full);

      FitRes wide = lastUpdate.values().stream()
          .filter(r -> r.parameters().layout().equals(full)).findFirst().orElseThrow();
      FitRes narrow = lastUpdate.values().stream()
          .filter(r -> r.parameters().layout().equals(half)).findFirst().orElseThrow();
      Parameters before = server.models().load(new ModelKey("g", "p", 1));
      Parameters after = server.models().load(new ModelKey("g", "p", 2));
      // where the half-width submodel lies in the full model
      float[] ones = new float[half.totalSize()];
      Arrays.fill(ones, 1f);
      float[] held = Submodels.scatter(Parameters.zeros(full), new Parameters(half, ones))
          .values();
      float[] narrowInFull = Submodels.scatter(Parameters.zeros(full), narrow.parameters())
          .values();
      double n1 = wide.numExamples();
      double n2 = narrow.numExamples();
      int shared = 0;
      int fullOnly = 0;
      boolean sharedChanged = false;
      boolean fullOnlyChanged = false;
      for (int k = 0; k < held.length; k++) {
        float w = wide.parameters().values()[k];
        if (held[k] == 1f) {
          shared++;
          // held by both: the example-weighted mean of the two updates
          assertEquals((n1 * w + n2 * narrowInFull[k]) / (n1 + n2), after.values()[k], 1e-5,
              "shared value " + k);
          sharedChanged |= after.values()[k] != before.values()[k];
        } else {
          fullOnly++;
          // held by the full-width device alone: its update
          assertEquals(w, after.values()[k], 1e-6, "full-width-only value " + k);
          fullOnlyChanged |= after.values()[k] != before.values()[k];
        }
      }
      assertEquals(half.totalSize(), shared);
      assertEquals(full.totalSize() - half.totalSize(), fullOnly);
      assertTrue(sharedChanged, "the shared part did not change in round 2");
      assertTrue(fullOnlyChanged, "the full-width-only part did not change in round 2");
      Map<String, Double> metrics = server.state().metrics("hetero", 2);
      assertEquals(1.0, metrics.get("results_w1"), 1e-9, metrics::toString);
      assertEquals(1.0, metrics.get("results_w0.5"), 1e-9, metrics::toString);
      assertTrue(metrics.containsKey("central_accuracy_w0.5"), metrics::toString);
    }
  }

  /** A probe whose {@code /proc/meminfo} says the device has {@code bytes} of memory. */
  private DeviceProbe withMemory(String name, long bytes) throws Exception {
    Path root = dir.resolve("root-" + name);
    java.nio.file.Files.createDirectories(root.resolve("proc"));
    java.nio.file.Files.writeString(root.resolve("proc/meminfo"),
        "MemTotal:       " + (bytes / 1024) + " kB\nMemAvailable:   " + (bytes / 2048) + " kB\n");
    return new DeviceProbe(root);
  }

  @Test
  void widthsAuto_aDeviceWithLittleMemoryIsSentTheSubmodelThatFitsIt() throws Exception {
    long full = Models.create("cnn", 1, 28, 28, 10).layout().totalSize();
    long half = Models.create("cnn-x0.5", 1, 28, 28, 10).layout().totalSize();
    // Widths.auto: a width fits when twice its training estimate fits the memory; "small" has
    // room for the half-width cnn but not for the full one, "big" for the full one.
    long smallMemory = 2 * dev.fedge.server.settings.Widths.trainingBytes(half) + (1 << 20);
    assertTrue(smallMemory < 2 * dev.fedge.server.settings.Widths.trainingBytes(full));
    RunSpec spec = cnnRun("auto", "auto");
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir.resolve("state"), 0),
        FederationServer.standardRuns(), null)) {
      startAgent(server.port(), "small", 0, withMemory("small", smallMemory));
      startAgent(server.port(), "big", 1, withMemory("big", 16L << 30));

      RunRecord done = server.run(spec);

      assertEquals(RunRecord.FINISHED, done.status(), done::toString);
      int halfSize = Models.create("cnn-x0.5", 1, 28, 28, 10).layout().totalSize();
      int fullSize = Models.create("cnn", 1, 28, 28, 10).layout().totalSize();
      // memory alone decides round 1 (no speed measured yet); the small device never gets more
      // than the half-width submodel, and the big one starts on the full model
      assertEquals(List.of(halfSize, halfSize), sizes.get("small"), sizes::toString);
      assertEquals(fullSize, sizes.get("big").get(0), sizes::toString);
      Map<String, Double> metrics = server.state().metrics("auto", 1);
      assertEquals(1.0, metrics.get("results_w0.5"), 1e-9, metrics::toString);
      assertEquals(1.0, metrics.get("results_w1"), 1e-9, metrics::toString);
    }
  }
}

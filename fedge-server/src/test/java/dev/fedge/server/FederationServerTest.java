package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ParticipantRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateException;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.transport.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
/**
 * The federation server with a SQLite state file; {@link PostgresFederationServerTest} runs the
 * same tests with the state in PostgreSQL.
 */
class FederationServerTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(
      new TensorSpec("w", new int[] {3, 4}), new TensorSpec("b", new int[] {3}));

  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<ToyDevice> devices = new ArrayList<>();

  @AfterEach
  void stopDevices() throws InterruptedException {
    for (ToyDevice d : devices) {
      d.close();
    }
  }

  /** A device that returns the global model plus one, over the real protocol. */
  private void startDevice(int port, String name) {
    startDevice(port, name, Map.of("loss", 1.0));
  }

  /** As {@link #startDevice(int, String)}, reporting these fit metrics. */
  private void startDevice(int port, String name, Map<String, Double> metrics) {
    startDevice(port, name, task -> metrics);
  }

  /**
   * A device that "trains" the steps its task asks for ({@code max_steps}, batch 10) at {@code
   * imagesPerSecond}, reporting the timing a real client reports; from its {@code stuckFrom}-th
   * task on it hangs for 8 s before answering.
   */
  private void startDeadlineDevice(int port, String name, double imagesPerSecond, int stuckFrom,
      List<Integer> stepsAsked) {
    int[] tasks = {0};
    startDevice(port, name, task -> {
      int steps = task.config().getInt(dev.fedge.api.ConfigKeys.MAX_STEPS, -1);
      stepsAsked.add(steps);
      if (++tasks[0] >= stuckFrom) {
        try {
          Thread.sleep(8_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      double images = steps * 10.0;
      return Map.of("num_steps", (double) steps, "train_images", images,
          "train_seconds", images / imagesPerSecond);
    });
  }

  /**
   * As {@link #startDevice(int, String)}, reporting the fit metrics made from each task; it answers
   * evaluate tasks as a re-ID device, retrieval on 4 valid queries and no loss (see {@link
   * ToyDevice}).
   */
  private void startDevice(int port, String name,
      java.util.function.Function<TaskSpec, Map<String, Double>> metricsOf) {
    devices.add(ToyDevice.builder(port, name).metrics(metricsOf).start());
  }

  private static FederationServer.RunFactory factory(int failAtRound) {
    return factory(failAtRound, "fedavg");
  }

  private static FederationServer.RunFactory factory(int failAtRound, String strategy) {
    return spec -> {
      float[] v = new float[LAYOUT.totalSize()];
      Arrays.fill(v, 0.5f);
      return new FederationServer.RunSetup(
          Strategies.create(strategy, Map.of(), StrategySettings.defaults()),
          new Parameters(LAYOUT, v),
          (round, g) -> {
            if (round == failAtRound) {
              throw new IllegalStateException("evaluator crashed in round " + round);
            }
            return new EvaluateRes(g.values()[0], 1, Map.of("accuracy", round / 10.0));
          },
          null);
    };
  }

  private static RunSpec spec(String codec) {
    return new RunSpec("run1", "lab", "toy", 3, 2, 2, Duration.ofSeconds(30), codec,
        Map.of("strategy", "fedavg"));
  }

  private FederationServer.Settings settings() {
    return settings(0);
  }

  /** The server's settings on a port; {@link PostgresFederationServerTest} puts its state in PostgreSQL. */
  FederationServer.Settings settings(int port) {
    return FederationServer.Settings.local(dir, port);
  }

  @Test
  void run_twoDevices_threeRounds_modelsStateAndCsvAgree() throws Exception {
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");

      RunRecord done = server.run(spec("float32"));

      assertEquals(RunRecord.FINISHED, done.status());
      assertEquals(3, done.completedRounds());
      assertEquals(List.of(0, 1, 2, 3), server.models().rounds("lab", "toy"));
      Parameters last = server.models().load(new ModelKey("lab", "toy", 3));
      assertEquals(3.5f, last.values()[0], 1e-6);
      List<MetricsCsv.Row> rows = new MetricsCsv(server.metricsFile("run1")).read();
      assertEquals(List.of(1, 2, 3), rows.stream().map(MetricsCsv.Row::round).toList());
      assertEquals(0.3, rows.get(2).accuracy(), 1e-9);
      assertEquals(2, rows.get(2).participants());
      assertEquals(List.of("c1", "c2"), server.state().participants("run1", 2).stream()
          .map(ParticipantRecord::clientId).toList());
      assertEquals(3, server.state().events(EventRecord.ROUND_COMPLETED).size());
      assertTrue(log.stream().anyMatch(l -> l.startsWith("round 2/3 started: c1, c2")), log::toString);
    }
  }

  @Test
  void fitTiming_becomesEachDevicesMeasuredSpeed_savedInStateAndKeptOverARestart()
      throws Exception {
    String fast;
    String slow;
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "fast", Map.of("num_steps", 20.0, "train_images", 640.0,
          "train_seconds", 2.0));
      startDevice(server.port(), "slow", Map.of("num_steps", 20.0, "train_images", 640.0,
          "train_seconds", 8.0));

      server.run(spec("float32"));

      var speeds = server.state().speeds();
      // the devices register from their own threads: their ids follow the order they came in
      Map<String, String> ids = new java.util.HashMap<>();
      server.state().devices().forEach(d -> ids.put(d.name(), d.id()));
      fast = ids.get("fast");
      slow = ids.get("slow");
      assertEquals(320.0, speeds.get(fast).imagesPerSecond(), 1e-9); // the same every task
      assertEquals(10.0, speeds.get(fast).stepsPerSecond(), 1e-9);
      assertEquals(80.0, speeds.get(slow).imagesPerSecond(), 1e-9);
      assertEquals(3, speeds.get(fast).tasks());
      assertEquals(3, speeds.get(slow).tasks());
    }
    stopDevices();
    try (FederationServer again = FederationServer.start(settings(), factory(-1), log::add)) {
      assertEquals(80.0, again.registry().client(slow).orElseThrow().speed().imagesPerSecond(),
          1e-9);
    }
  }

  @Test
  void deadlineSizedWork_probesThenSizesEachDeviceFromItsSpeed_andTheRoundClosesAtTheDeadline()
      throws Exception {
    List<Integer> fastSteps = new CopyOnWriteArrayList<>();
    List<Integer> slowSteps = new CopyOnWriteArrayList<>();
    // deadline 2 s, batch 10, 1 epoch of 10 examples = 1 step at most: use 50 epochs (50 steps)
    RunSpec spec = new RunSpec("run1", "lab", "toy", 3, 2, 1, Duration.ofSeconds(60), "float32",
        Map.of("strategy", "fedavg", "local-work", "deadline", "round-deadline", "2s",
            "min-local-steps", "2", "batch-size", "10", "local-epochs", "50"));
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDeadlineDevice(server.port(), "fast", 100.0, Integer.MAX_VALUE, fastSteps);
      startDeadlineDevice(server.port(), "slow", 25.0, 3, slowSteps);

      RunRecord done = server.run(spec);

      assertEquals(RunRecord.FINISHED, done.status());
      // round 1 probes (the minimum); then deadline x speed / batch: 2 s x 100 / 10 = 20 steps,
      // 2 s x 25 / 10 = 5 steps
      assertEquals(List.of(2, 20, 20), fastSteps);
      assertEquals(List.of(2, 5, 5), slowSteps);
      assertEquals(5.0, server.state().metrics("run1", 2).get("steps_min"), 1e-9);
      assertEquals(20.0, server.state().metrics("run1", 2).get("steps_max"), 1e-9);
      // and so does the run's metrics.csv, in two columns at the end
      List<String> csv = java.nio.file.Files.readAllLines(server.metricsFile("run1"));
      assertTrue(csv.get(0).endsWith(",steps_min,steps_max"), csv.get(0));
      MetricsCsv.Row round2 = new MetricsCsv(server.metricsFile("run1")).read().get(1);
      assertEquals(5.0, round2.reid("steps_min"), 1e-9);
      assertEquals(20.0, round2.reid("steps_max"), 1e-9);
      // the slow device hangs in round 3: the round closes at the deadline and a half (3 s), not
      // at the 60 s round timeout, and goes on with the fast device's update
      Map<String, String> names = new java.util.HashMap<>();
      server.state().devices().forEach(d -> names.put(d.id(), d.name()));
      assertEquals(List.of("fast:ok", "slow:failed:timeout after PT3S"),
          server.state().participants("run1", 3).stream()
              .map(p -> names.get(p.clientId()) + ":" + p.outcome()
                  + (p.reason() == null ? "" : ":" + p.reason()))
              .sorted().toList());
    }
  }

  @Test
  void deadlineRunResumed_metricsCsvRebuildsItsStepsColumns() throws Exception {
    RunSpec spec = new RunSpec("run1", "lab", "toy", 3, 2, 1, Duration.ofSeconds(60), "float32",
        Map.of("strategy", "fedavg", "local-work", "deadline", "round-deadline", "2s",
            "min-local-steps", "2", "batch-size", "10", "local-epochs", "50"));
    int port;
    try (FederationServer server = FederationServer.start(settings(), factory(3), log::add)) {
      port = server.port();
      startDeadlineDevice(server.port(), "fast", 100.0, Integer.MAX_VALUE,
          new CopyOnWriteArrayList<>());
      startDeadlineDevice(server.port(), "slow", 25.0, Integer.MAX_VALUE,
          new CopyOnWriteArrayList<>());
      assertThrows(IllegalStateException.class, () -> server.run(spec));
    }
    try (FederationServer server = FederationServer.start(settings(port), factory(-1), log::add)) {
      server.run(server.unfinishedRun().orElseThrow().spec());

      List<String> csv = java.nio.file.Files.readAllLines(server.metricsFile("run1"));
      assertTrue(csv.get(0).endsWith(",steps_min,steps_max"), csv.get(0));
      List<MetricsCsv.Row> rows = new MetricsCsv(server.metricsFile("run1")).read();
      assertEquals(List.of(1, 2, 3), rows.stream().map(MetricsCsv.Row::round).toList());
      // rounds 1 and 2 rebuilt from the state database: the probe, then 5 and 20 steps
      assertEquals(2.0, rows.get(0).reid("steps_min"), 1e-9);
      assertEquals(2.0, rows.get(0).reid("steps_max"), 1e-9);
      assertEquals(5.0, rows.get(1).reid("steps_min"), 1e-9);
      assertEquals(20.0, rows.get(1).reid("steps_max"), 1e-9);
      assertTrue(rows.get(2).reid("steps_min") <= rows.get(2).reid("steps_max"), csv.toString());
    }
  }

  @Test
  void run_withInt8Updates_rebuildsModelsFromDifferences() throws Exception {
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");

      server.run(spec("int8"));

      Parameters last = server.models().load(new ModelKey("lab", "toy", 3));
      for (float x : last.values()) {
        assertEquals(3.5f, x, 1e-5);
      }
    }
  }

  @Test
  void crashMidRun_restartResumesAfterLastCompletedRound_noRoundTwice() throws Exception {
    int port;
    try (FederationServer server = FederationServer.start(settings(), factory(3), log::add)) {
      port = server.port();
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      IllegalStateException crash =
          assertThrows(IllegalStateException.class, () -> server.run(spec("float32")));
      assertEquals("evaluator crashed in round 3", crash.getMessage());
      // the crash came after round 3's model could have been written: leave a stale one behind
      float[] stale = new float[LAYOUT.totalSize()];
      Arrays.fill(stale, 99f);
      server.models().save(new ModelKey("lab", "toy", 3), new Parameters(LAYOUT, stale), Map.of());
    }

    FederationServer.Settings again = settings(port);
    try (FederationServer server = FederationServer.start(again, factory(-1), log::add)) {
      RunRecord unfinished = server.unfinishedRun().orElseThrow();
      assertEquals(2, unfinished.completedRounds());

      RunRecord done = server.run(unfinished.spec());

      assertEquals(3, done.completedRounds());
      assertEquals(3.5f, server.models().load(new ModelKey("lab", "toy", 3)).values()[0], 1e-6);
      assertEquals(2.5f, server.models().load(new ModelKey("lab", "toy", 2)).values()[0], 1e-6);
      List<MetricsCsv.Row> rows = new MetricsCsv(server.metricsFile("run1")).read();
      assertEquals(List.of(1, 2, 3), rows.stream().map(MetricsCsv.Row::round).toList());
      assertEquals(3, server.state().rounds("run1").size());
      assertEquals(1, server.state().events(EventRecord.RUN_RESUMED).size());
      assertTrue(log.contains("resuming run 'run1' after round 2 of 3"), log::toString);
    }
  }

  @Test
  void reidRunResumed_metricsCsvKeepsItsRankAndMapColumns() throws Exception {
    FederationServer.RunFactory reid = spec -> {
      float[] v = new float[LAYOUT.totalSize()];
      Arrays.fill(v, 0.5f);
      return new FederationServer.RunSetup(
          Strategies.create("fedavg", Map.of(),
              StrategySettings.defaults().withFractionEvaluate(1)),
          new Parameters(LAYOUT, v),
          (round, g) -> {
            if (round == 3 && crashReid.getAndSet(false)) {
              throw new IllegalStateException("evaluator crashed in round " + round);
            }
            return new EvaluateRes(1.0, 1, Map.of("rank1", round / 10.0, "rank5", 0.5,
                "rank10", 0.6, "mAP", round / 100.0));
          },
          null);
    };
    RunSpec spec = new RunSpec("run1", "lab", "toy", 3, 2, 2, Duration.ofSeconds(30), "float32",
        Map.of("strategy", "fedavg", "task", "reid"));
    int port;
    try (FederationServer server = FederationServer.start(settings(), reid, log::add)) {
      port = server.port();
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      assertThrows(IllegalStateException.class, () -> server.run(spec));
    }
    try (FederationServer server = FederationServer.start(settings(port), reid, log::add)) {
      server.run(server.unfinishedRun().orElseThrow().spec());

      List<MetricsCsv.Row> rows = new MetricsCsv(server.metricsFile("run1"), true).read();
      assertEquals(List.of(1, 2, 3), rows.stream().map(MetricsCsv.Row::round).toList());
      for (MetricsCsv.Row r : rows) {
        assertEquals(r.round() / 10.0, r.reid("rank1"), 1e-9, "round " + r.round());
        assertEquals(r.round() / 100.0, r.reid("mAP"), 1e-9, "round " + r.round());
        // the devices' retrieval too (rounds 1-2 rebuilt from the state database)
        assertEquals(0.25, r.reid("client_rank1"), 1e-9, "round " + r.round());
        assertEquals(0.125, r.reid("client_mAP"), 1e-9, "round " + r.round());
      }
      // two devices with 4 valid queries each
      assertTrue(log.stream().anyMatch(l -> l.startsWith("round 3/3 done: rank-1 0.3000, mAP "
          + "0.0300 (devices: rank-1 0.2500, mAP 0.1250 on 8 queries)")), log.toString());
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean crashReid =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  /** Runs spec("float32") with two devices until its evaluator crashes in round 3; the port. */
  private int crashInRound3(String strategy) throws Exception {
    try (FederationServer server =
        FederationServer.start(settings(), factory(3, strategy), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      assertThrows(IllegalStateException.class, () -> server.run(spec("float32")));
      return server.port();
    }
  }

  /** Where the documented layout puts run1's strategy state after a round. */
  private Path stateFile(int round) {
    return dir.resolve("strategy-state").resolve("run1").resolve("round-" + round + ".safetensors");
  }

  @Test
  void serverMomentum_survivesARestart() throws Exception {
    // Devices send w + 1, so FedAvgM (lr 1, momentum 0.9) sees g = -1 every round:
    // v = -1, -1.9, -2.71 and w = 0.5 + 1 + 1.9 + 2.71 = 6.11 after round 3. A momentum lost in the
    // restart after round 2 would give 0.5 + 1 + 1.9 + 1 = 4.4.
    int port = crashInRound3("fedavgm");
    assertTrue(Files.exists(stateFile(2)));
    assertFalse(Files.exists(stateFile(1)), "older rounds are deleted");

    FederationServer.Settings again = settings(port);
    try (FederationServer server =
        FederationServer.start(again, factory(-1, "fedavgm"), log::add)) {
      server.run(server.unfinishedRun().orElseThrow().spec());

      assertEquals(3.4f, server.models().load(new ModelKey("lab", "toy", 2)).values()[0], 1e-5);
      assertEquals(6.11f, server.models().load(new ModelKey("lab", "toy", 3)).values()[0], 1e-5);
      assertTrue(log.contains("fedavgm state [momentum] restored from round 2"), log::toString);
      assertEquals(
          List.of(server.strategyStateFile("run1", 3).getFileName()),
          Files.list(server.strategyStateFile("run1", 3).getParent())
              .map(Path::getFileName)
              .toList());
    }
  }

  @Test
  void corruptStrategyState_isReported_andTheRunGoesOnFromZeroState() throws Exception {
    int port = crashInRound3("fedavgm");
    Files.writeString(stateFile(2), "not safetensors");

    FederationServer.Settings again = settings(port);
    try (FederationServer server =
        FederationServer.start(again, factory(-1, "fedavgm"), log::add)) {
      server.run(server.unfinishedRun().orElseThrow().spec());

      assertEquals(4.4f, server.models().load(new ModelKey("lab", "toy", 3)).values()[0], 1e-5);
      assertTrue(
          log.stream()
              .anyMatch(
                  l ->
                      l.startsWith("strategy state not restored (round-2.safetensors: ")
                          && l.endsWith("fedavgm's server-side state starts again from zero")),
          log::toString);
    }
  }

  @Test
  void finishedRun_cannotBeRunAgain() throws Exception {
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      server.run(spec("float32"));

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> server.run(spec("float32")));

      assertTrue(e.getMessage().startsWith("run 'run1' already finished in "), e.getMessage());
    }
  }

  /** What a kill between two journal steps looks like from inside: nothing after it runs. */
  static final class Killed extends RuntimeException {
    Killed(RunJournal.Step step) {
      super("killed after " + step);
    }
  }

  @ParameterizedTest
  @EnumSource(RunJournal.Step.class)
  void killedAfterAnyCommitStep_resumeLosesNoRound_countsNoneTwice_keepsMomentum(
      RunJournal.Step killAt) throws Exception {
    int port;
    try (FederationServer server =
        FederationServer.start(settings(), factory(-1, "fedavgm"), log::add)) {
      port = server.port();
      server.journal().onStep((step, round) -> {
        if (round == 2 && step == killAt) {
          throw new Killed(step);
        }
      });
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      assertThrows(Killed.class, () -> server.run(spec("float32")));
    }

    FederationServer.Settings again = settings(port);
    try (FederationServer server =
        FederationServer.start(again, factory(-1, "fedavgm"), log::add)) {
      int recorded = killAt.compareTo(RunJournal.Step.ROUND_RECORDED) >= 0 ? 2 : 1;
      assertEquals(recorded, server.unfinishedRun().orElseThrow().completedRounds());
      assertEquals(Optional.of(new ModelKey("lab", "toy", recorded)),
          server.models().latest("lab", "toy"), "the registry serves the last recorded round");

      RunRecord done = server.run(server.unfinishedRun().orElseThrow().spec());

      assertEquals(3, done.completedRounds());
      assertEquals(List.of(1, 2, 3),
          server.state().rounds("run1").stream().map(r -> r.round()).toList());
      assertEquals(List.of(1, 2, 3), new MetricsCsv(server.metricsFile("run1")).read().stream()
          .map(MetricsCsv.Row::round).toList());
      // FedAvgM's momentum went on as if the server had never stopped (see serverMomentum_...)
      assertEquals(3.4f, server.models().load(new ModelKey("lab", "toy", 2)).values()[0], 1e-5);
      assertEquals(6.11f, server.models().load(new ModelKey("lab", "toy", 3)).values()[0], 1e-5);
      assertEquals(Optional.of(new ModelKey("lab", "toy", 3)), server.models().latest("lab", "toy"));
      assertEquals(List.of(0, 1, 2, 3), server.models().rounds("lab", "toy"));
    }
  }

  /** Runs spec("float32") with two devices to its end and stops the server. */
  void runToTheEnd() throws Exception {
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      server.run(spec("float32"));
    }
  }

  @Test
  void emptyOrMissingStateFileBesideModels_isRefused_andNothingIsChanged() throws Exception {
    runToTheEnd();
    Path db = dir.resolve(FederationServer.STATE_FILE);
    Path csv = dir.resolve("runs").resolve("run1").resolve("metrics.csv");
    String metrics = Files.readString(csv);
    Files.write(db, new byte[0]);
    Files.deleteIfExists(dir.resolve(FederationServer.STATE_FILE + "-wal"));
    Files.deleteIfExists(dir.resolve(FederationServer.STATE_FILE + "-shm"));

    StateException empty = assertThrows(StateException.class,
        () -> FederationServer.start(settings(), factory(-1), log::add));

    assertEquals("state file " + db + " is empty (0 bytes), but " + dir.resolve("models")
        + " holds 4 models of 1 project(s) (lab/toy): refusing to start over without their "
        + "record; restore the state file from a backup, or use another --state-dir (nothing was "
        + "changed)", empty.getMessage());
    assertEquals(0, Files.size(db));
    assertEquals(metrics, Files.readString(csv));
    assertEquals(List.of(0, 1, 2, 3), new ModelStore(dir.resolve("models")).rounds("lab", "toy"));

    Files.delete(db);
    StateException missing = assertThrows(StateException.class,
        () -> FederationServer.start(settings(), factory(-1), log::add));
    assertTrue(missing.getMessage().startsWith("state file " + db + " is missing, but "),
        missing.getMessage());
    assertFalse(Files.exists(db));
  }

  @Test
  void missingModelOfTheLastRound_isReportedAtStart_andNoOlderRoundIsServed() throws Exception {
    runToTheEnd();
    ModelStore store = new ModelStore(dir.resolve("models"));
    Path lost = store.modelFile(new ModelKey("lab", "toy", 3));
    Files.delete(lost);

    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      String line = "run 'run1' recorded round 3, but model lab/toy/3 is missing (" + lost
          + " not found); the registry will not serve an older round in its place";
      assertEquals(List.of(line), server.problems());
      assertTrue(log.contains(line), log::toString);
      assertEquals(1, server.state().events(EventRecord.MODEL_MISSING).size());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> server.models().latest("lab", "toy"));
      assertTrue(e.getMessage().startsWith("model lab/toy/3 is missing: " + lost), e.getMessage());
    }
  }

  @Test
  void newRunIntoAProjectThatHoldsModels_isRefusedBeforeItIsRecorded() throws Exception {
    try (FederationServer server = FederationServer.start(settings(), factory(-1), log::add)) {
      startDevice(server.port(), "a");
      startDevice(server.port(), "b");
      server.run(spec("float32"));
      RunSpec other = new RunSpec("run2", "lab", "toy", 3, 2, 2, Duration.ofSeconds(30),
          "float32", Map.of("strategy", "fedavg"));

      IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.run(other));

      assertEquals("model store project lab/toy already holds another run's models; choose "
          + "another project", e.getMessage());
      assertTrue(server.state().run("run2").isEmpty());
      assertEquals(3.5f, server.models().load(new ModelKey("lab", "toy", 3)).values()[0], 1e-6);
    }
  }
}

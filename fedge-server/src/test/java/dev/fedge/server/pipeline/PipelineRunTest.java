package dev.fedge.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.FederationServer;
import dev.fedge.server.ToyDevice;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.RoundRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StepRecord;
import dev.fedge.server.store.ModelAliases;
import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run spec's steps on a real federation server, with devices speaking the real protocol over
 * gRPC and the state in a real SQLite file: all five steps, a failed check, and a server that dies
 * in the middle of {@code train} and is started again on the same folder.
 */
@Timeout(120)
class PipelineRunTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", new int[] {4}));

  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<ToyDevice> devices = new ArrayList<>();

  @AfterEach
  void stopDevices() throws InterruptedException {
    for (ToyDevice d : devices) {
      d.close();
    }
  }

  static DeviceFacts facts(String deviceClass, Map<String, String> extra) {
    return new DeviceFacts("Linux", "aarch64", 4, 4L << 30, 1L << 30, "none", deviceClass, extra);
  }

  /** A device that registers with its facts and returns the global model plus one. */
  private void startDevice(int port, String name, DeviceFacts facts) {
    devices.add(ToyDevice.builder(port, name).facts(facts).start());
  }

  /** What a server's death looks like from inside: nothing catches it, nothing after it runs. */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;

    Killed(int round) {
      super("killed in round " + round);
    }
  }

  /** Central accuracy 0.1, 0.9, 0.3 in rounds 1, 2, 3: the best round is 2, the last 3. */
  private static FederationServer.RunFactory factory(int killInRound) {
    return spec -> {
      float[] v = new float[LAYOUT.totalSize()];
      Arrays.fill(v, 0.5f);
      return new FederationServer.RunSetup(
          Strategies.create("fedavg", Map.of(), StrategySettings.defaults()),
          new Parameters(LAYOUT, v), (round, g) -> {
            if (round == killInRound) {
              throw new Killed(round);
            }
            return new EvaluateRes(1.0 / (round + 1), 1,
                Map.of("accuracy", round == 2 ? 0.9 : 0.1 * round));
          }, null);
    };
  }

  private static RunSpec spec() {
    return new RunSpec("pipe", "lab", "toy", 3, 2, 2, Duration.ofSeconds(30), "float32",
        Map.of("strategy", "fedavg", "dataset", "fashion-mnist"));
  }

  private static PipelineSpec steps(String check) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("check", Map.of("classes", Map.of(check, 1), "timeout", "30s"));
    doc.put("serve", Map.of("alias", "production", "pick", "best"));
    return PipelineSpec.parse(doc);
  }

  private void startFleet(FederationServer server) {
    startDevice(server.port(), "pi1", facts("rpi",
        Map.of("dataset", "fashion-mnist", "train_examples", "1200")));
    startDevice(server.port(), "box1", facts("generic", Map.of()));
  }

  private static Map<String, StepRecord> byStep(List<StepRecord> rows) {
    Map<String, StepRecord> m = new LinkedHashMap<>();
    rows.forEach(r -> m.put(r.step(), r));
    return m;
  }

  @Test
  void allFiveSteps_runInOrder_andTheAliasNamesTheBestRound() throws Exception {
    try (FederationServer server =
        FederationServer.start(FederationServer.Settings.local(dir, 0), factory(-1), log::add)) {
      startFleet(server);

      RunRecord done = PipelineRun.runToEnd(server, spec(), null, steps("rpi"), log::add);

      assertEquals(RunRecord.FINISHED, done.status(), log::toString);
      assertEquals(3, done.completedRounds());
      List<StepRecord> rows = PipelineRun.steps(server.state(), "pipe");
      assertEquals(List.of("check", "data", "train", "evaluate", "serve"),
          rows.stream().map(StepRecord::step).toList());
      rows.forEach(r -> {
        assertEquals(StepRecord.DONE, r.status(), r.step() + ": " + r.line());
        assertNotNull(r.started(), r.step());
        assertTrue(!r.finished().isBefore(r.started()), r.step());
      });
      Map<String, StepRecord> s = byStep(rows);
      assertEquals("check: 2 devices online (generic: 1, rpi: 1)", s.get("check").line());
      assertEquals("data: 1 device holds fashion-mnist (1200 training images); 1 did not report"
          + " its data set (checked on its first train task)", s.get("data").line());
      assertEquals("train: 3 of 3 rounds", s.get("train").line());
      assertEquals("evaluate: last round 3 accuracy 0.3000 loss 0.2500; best round 2 accuracy"
          + " 0.9000 loss 0.3333; devices: no evaluation on their own test sets"
          + " (fraction-evaluate 0)", s.get("evaluate").line());
      assertEquals("serve: alias 'production' of lab/toy names round 2 (best round, accuracy"
          + " 0.9000); predict at /v1/models/lab.toy.production:predict", s.get("serve").line());
      assertEquals(Optional.of(new ModelKey("lab", "toy", 2)),
          new ModelAliases(server.models()).get("lab", "toy", "production"));
      assertEquals(1, server.state().events(EventRecord.RUN_STARTED).size());
      assertEquals(0, server.state().events(EventRecord.RUN_RESUMED).size());
      assertEquals(5, server.state().events(PipelineRun.RUN_STEP).size());
    }
  }

  @Test
  void aCheckThatFindsTooFewDevices_failsTheRunWithItsReason_andTrainsNothing() throws Exception {
    try (FederationServer server =
        FederationServer.start(FederationServer.Settings.local(dir, 0), factory(-1), log::add)) {
      startFleet(server);
      PipelineSpec jetson = PipelineSpec.parse(Map.of("check",
          Map.of("classes", Map.of("jetson", 1), "timeout", "1s")));

      RunRecord failed = PipelineRun.runToEnd(server, spec(), null, jetson, log::add);

      assertEquals(RunRecord.FAILED, failed.status());
      assertEquals(0, failed.completedRounds());
      Map<String, StepRecord> s = byStep(PipelineRun.steps(server.state(), "pipe"));
      assertEquals(StepRecord.FAILED, s.get("check").status());
      assertEquals("check: 0 of 1 jetson devices online after 1s", s.get("check").line());
      for (String later : List.of("data", "train", "evaluate", "serve")) {
        assertEquals(StepRecord.SKIPPED, s.get(later).status(), later);
      }
      assertEquals(List.of("run 'pipe' failed: check: 0 of 1 jetson devices online after 1s"),
          server.state().events(PipelineRun.RUN_FAILED).stream().map(EventRecord::message)
              .toList());
      assertEquals(List.of(), server.state().rounds("pipe"));
    }
  }

  @Test
  void aServerThatDiesMidTrain_resumesAtTrain_onTheSameFolder_withoutRerunningCheckOrData()
      throws Exception {
    int port;
    List<StepRecord> before;
    try (FederationServer server =
        FederationServer.start(FederationServer.Settings.local(dir, 0), factory(2), log::add)) {
      port = server.port();
      startFleet(server);
      assertThrows(Killed.class,
          () -> PipelineRun.runToEnd(server, spec(), null, steps("rpi"), log::add));
      before = PipelineRun.steps(server.state(), "pipe");
    }
    Map<String, StepRecord> b = byStep(before);
    assertEquals(StepRecord.DONE, b.get("check").status());
    assertEquals(StepRecord.DONE, b.get("data").status());
    assertEquals(StepRecord.RUNNING, b.get("train").status());
    assertEquals(StepRecord.PENDING, b.get("serve").status());

    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir, port), factory(-1), log::add)) {
      RunRecord unfinished = server.unfinishedRun().orElseThrow();
      assertEquals(1, unfinished.completedRounds());

      RunRecord done = PipelineRun.runToEnd(server, unfinished.spec(), null, null, log::add);

      assertEquals(RunRecord.FINISHED, done.status(), log::toString);
      assertEquals(List.of(1, 2, 3),
          server.state().rounds("pipe").stream().map(RoundRecord::round).toList());
      Map<String, StepRecord> a = byStep(PipelineRun.steps(server.state(), "pipe"));
      for (String s : List.of("check", "data")) {
        assertEquals(b.get(s), a.get(s), s + " was not run again");
      }
      assertEquals(b.get("train").started(), a.get("train").started(), "train's first start");
      for (String s : List.of("train", "evaluate", "serve")) {
        assertEquals(StepRecord.DONE, a.get(s).status(), s + ": " + a.get(s).line());
      }
      assertEquals(1, server.state().events(EventRecord.RUN_RESUMED).size());
      assertTrue(log.contains("run 'pipe': resuming at step train"), log::toString);
      assertEquals(Optional.of(new ModelKey("lab", "toy", 2)),
          new ModelAliases(server.models()).get("lab", "toy", "production"));
    }
  }
}

package dev.fedge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ParticipantRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.transport.FederationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class EdgeAgentTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", new int[] {5}));

  /** A trainer that moves every value up by one and evaluates to the model's first value. */
  static final class AddOne implements LocalTrainer {
    @Override
    public ParameterLayout layout() {
      return LAYOUT;
    }

    @Override
    public FitRes fit(FitIns ins) {
      float[] v = ins.parameters().values().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] += 1;
      }
      return new FitRes(new Parameters(LAYOUT, v), 7, Map.of(FitRes.LOSS, 0.5));
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
      return new EvaluateRes(ins.parameters().values()[0], 3, Map.of("accuracy", 0.5));
    }
  }

  /**
   * A trainer whose first fit throws (as a NaN loss would) and whose first evaluation throws (as a
   * corrupt local test file would); after that it works like {@link AddOne}.
   */
  static final class FailsFirst implements LocalTrainer {
    private final AddOne works = new AddOne();
    private int fits;
    private int evaluations;

    @Override
    public ParameterLayout layout() {
      return LAYOUT;
    }

    @Override
    public synchronized FitRes fit(FitIns ins) {
      if (fits++ == 0) {
        throw new IllegalStateException("loss is NaN at step 3");
      }
      return works.fit(ins);
    }

    @Override
    public synchronized EvaluateRes evaluate(EvaluateIns ins) {
      if (evaluations++ == 0) {
        throw new UncheckedIOException("test.idx: bad magic 0x00000000",
            new IOException("bad magic"));
      }
      return works.evaluate(ins);
    }
  }

  @TempDir Path dir;
  private final List<String> agentLog = new CopyOnWriteArrayList<>();
  private final List<EdgeAgent> agents = new ArrayList<>();

  @AfterEach
  void stopAgents() {
    agents.forEach(EdgeAgent::close);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private CompletableFuture<Void> startAgent(int port, String name, String token) {
    return startAgent(port, name, token, new AddOne());
  }

  private CompletableFuture<Void> startAgent(
      int port, String name, String token, LocalTrainer trainer) {
    AgentSettings s = new AgentSettings("127.0.0.1:" + port, null, token, name,
        Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(400));
    TrainerFactory trainers = layout -> {
      if (!layout.equals(LAYOUT)) {
        throw new IllegalArgumentException("unknown layout");
      }
      return trainer;
    };
    EdgeAgent agent = new EdgeAgent(s, trainers, new DeviceProbe(), agentLog::add);
    agents.add(agent);
    return CompletableFuture.runAsync(agent::run);
  }

  private static FederationServer.RunFactory factory(double fractionEvaluate) {
    return spec -> new FederationServer.RunSetup(
        Strategies.create("fedavg", Map.of(),
            StrategySettings.defaults().withFractionEvaluate(fractionEvaluate)),
        Parameters.zeros(LAYOUT), null, null);
  }

  private static RunSpec spec(String codec, int rounds) {
    return new RunSpec("r", "g", "p", rounds, 2, 2, Duration.ofSeconds(30), codec, Map.of());
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(20);
    }
  }

  @Test
  void agentsStartedBeforeTheServer_connectWithBackoff_andTrainEveryRound() throws Exception {
    int port = freePort();
    startAgent(port, "a", null);
    startAgent(port, "b", null);
    Thread.sleep(1500);

    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir, port), factory(0), null)) {
      RunRecord done = server.run(spec("float16", 3));

      assertEquals(3, done.completedRounds());
      Parameters last = server.models().load(new ModelKey("g", "p", 3));
      for (float x : last.values()) {
        assertEquals(3f, x, 1e-3);
      }
      assertEquals(2, server.registry().clients().size());
      assertTrue(server.state().devices().get(0).facts().cores() >= 1);
    }
    assertTrue(agentLog.stream().anyMatch(l -> l.contains("unreachable")), agentLog::toString);
    assertTrue(agentLog.stream().anyMatch(l -> l.contains("reachable again")), agentLog::toString);
    assertTrue(agents.get(0).tasksDone() >= 3);
  }

  @Test
  void evaluateTasks_areReported() throws Exception {
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir, 0), factory(1.0), null)) {
      startAgent(server.port(), "a", null);
      startAgent(server.port(), "b", null);

      server.run(spec("float32", 1));

      assertEquals(0.5, server.state().rounds("r").get(0).clientAccuracy(), 1e-9);
      assertEquals(1.0, server.state().rounds("r").get(0).clientLoss(), 1e-6);
    }
  }

  @Test
  void serverWithNewState_forgetsTheDevice_agentRegistersAgain() throws Exception {
    int port = freePort();
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir.resolve("one"), port), factory(0), null)) {
      startAgent(port, "a", null);
      startAgent(port, "b", null);
      server.run(spec("float32", 1));
    }
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir.resolve("two"), port), factory(0), null)) {
      server.run(spec("float32", 1));

      assertEquals(1, server.state().rounds("r").size());
      assertEquals(2, server.state().events(EventRecord.REGISTERED).size());
    }
    assertTrue(agentLog.stream().anyMatch(l -> l.contains("registering again")),
        agentLog::toString);
  }

  @Test
  void wrongEnrollmentToken_endsTheAgentWithTheReason() throws Exception {
    FederationServer.Settings s = new FederationServer.Settings(dir, "127.0.0.1", 0, null, null,
        "right", Duration.ofSeconds(1), Duration.ofSeconds(5), 2, 8);
    try (FederationServer server = FederationServer.start(s, factory(0), null)) {
      CompletableFuture<Void> agent = startAgent(server.port(), "a", "wrong");

      ExecutionException e =
          assertThrows(ExecutionException.class, () -> agent.get(30, TimeUnit.SECONDS));

      assertTrue(e.getCause() instanceof FederationException, String.valueOf(e.getCause()));
      assertTrue(e.getCause().getMessage().endsWith("refused to register this device: wrong"
          + " enrollment token"), e.getCause().getMessage());
    }
  }

  @Test
  void failingTrainer_isReportedAtOnce_andTheDeviceStaysInTheFederation() throws Exception {
    try (FederationServer server = FederationServer.start(
        FederationServer.Settings.local(dir, 0), factory(1.0), null)) {
      startAgent(server.port(), "a", null);
      startAgent(server.port(), "b", null, new FailsFirst());
      // a deadline of ten minutes: the rounds can only end in time through the reports
      RunSpec spec = new RunSpec("r", "g", "p", 2, 2, 1, Duration.ofMinutes(10), "float32",
          Map.of());

      RunRecord done = server.run(spec);

      assertEquals(2, done.completedRounds());
      String b = server.state().devices().stream().filter(d -> d.name().equals("b"))
          .findFirst().orElseThrow().id();
      ParticipantRecord failed = server.state().participants("r", 1).stream()
          .filter(p -> p.clientId().equals(b)).findFirst().orElseThrow();
      assertEquals(ParticipantRecord.FAILED, failed.outcome());
      assertEquals(b + " (b): local training failed: IllegalStateException: loss is NaN at step 3",
          failed.reason());
      assertTrue(server.state().events(EventRecord.FAILURE).stream().anyMatch(e -> e.message()
          .equals(b + " (b): local evaluation failed: UncheckedIOException: test.idx: bad magic"
              + " 0x00000000")), () -> server.state().events(EventRecord.FAILURE).toString());
      List<ParticipantRecord> round2 = server.state().participants("r", 2);
      assertEquals(2, round2.stream().filter(p -> p.outcome().equals("ok")).count(),
          round2::toString);
      for (float x : server.models().load(new ModelKey("g", "p", 2)).values()) {
        assertEquals(2f, x, 1e-6); // round 1 from a alone, round 2 from both
      }
    }
    assertEquals(2, agents.get(1).tasksFailed());
    assertTrue(agentLog.stream().anyMatch(l -> l.matches("round 1: local training failed \\(task"
        + " t-.*\\): IllegalStateException: loss is NaN at step 3")), agentLog::toString);
    assertTrue(agents.get(1).tasksDone() >= 2, agentLog::toString);
  }

  @Test
  void secondAgentWithTheSameName_waitsUntilTheFirstIsGone_thenTakesTheNameOver()
      throws Exception {
    FederationServer.Settings s = new FederationServer.Settings(dir, "127.0.0.1", 0, null, null,
        "tok", Duration.ofMillis(200), Duration.ofSeconds(1), 2, 8);
    try (FederationServer server = FederationServer.start(s, factory(0), null)) {
      startAgent(server.port(), "pi-garden", "tok");
      EdgeAgent first = agents.get(0);
      await(() -> first.clientId() != null);
      CompletableFuture<Void> second = startAgent(server.port(), "pi-garden", "tok");
      await(() -> agentLog.stream().anyMatch(l -> l.contains("refused the name")));
      String refusal = agentLog.stream().filter(l -> l.contains("refused the name"))
          .findFirst().orElseThrow();
      boolean stillFirst = agents.get(1).clientId() == null && !second.isDone();

      first.close();
      await(() -> agents.get(1).clientId() != null);

      assertTrue(stillFirst, agentLog::toString);
      assertTrue(refusal.contains("refused the name 'pi-garden': device 'pi-garden' (c1) is"
          + " connected, last heard from "), refusal);
      assertTrue(refusal.contains("stop that client or choose another --name"), refusal);
      assertEquals(1, agentLog.stream().filter(l -> l.contains("refused the name")).count(),
          agentLog::toString);
      assertEquals("c1", agents.get(1).clientId());
      assertEquals(1, server.state().devices().size());
      List<String> registered = server.state().events(EventRecord.REGISTERED).stream()
          .map(e -> e.message()).toList();
      assertTrue(registered.get(registered.size() - 1).contains("took over the name of offline"
          + " device c1 ('pi-garden', last heard from "), registered::toString);
    }
  }
}

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
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelKey;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.transport.FederationException;
import java.io.IOException;
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
    AgentSettings s = new AgentSettings("127.0.0.1:" + port, null, token, name,
        Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofMillis(400));
    TrainerFactory trainers = layout -> {
      if (!layout.equals(LAYOUT)) {
        throw new IllegalArgumentException("unknown layout");
      }
      return new AddOne();
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
}

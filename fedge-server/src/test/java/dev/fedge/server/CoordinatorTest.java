package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientException;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.strategy.FedAvg;
import dev.fedge.strategy.StrategySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CoordinatorTest {

  private static final ParameterLayout LAYOUT =
      ParameterLayout.of(new TensorSpec("w", new int[] {2}));

  /** A client whose training is a function of the global model. */
  private record FnClient(String id, int examples, Function<float[], float[]> train)
      implements ClientProxy {
    @Override
    public FitRes fit(FitIns ins) throws ClientException {
      float[] out = train.apply(ins.parameters().values());
      if (out == null) {
        throw new ClientException("device unplugged");
      }
      return new FitRes(new Parameters(ins.parameters().layout(), out), examples, Map.of("loss", 1.0));
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
      return new EvaluateRes(0, examples, Map.of());
    }
  }

  private static Coordinator coordinator(List<ClientProxy> clients, CoordinatorSettings s,
      List<String> events) {
    StrategySettings settings = StrategySettings.defaults().withSampling(1.0, 1);
    RoundListener listener = new RoundListener() {
      @Override
      public void clientSucceeded(int round, String clientId, int n) {
        events.add("ok " + clientId);
      }

      @Override
      public void clientFailed(int round, ClientFailure f) {
        events.add("failed " + f.clientId() + ": " + f.reason());
      }
    };
    return new Coordinator(new FedAvg(settings), s, ClientPool.of(clients),
        (round, g) -> new EvaluateRes(0.5, 10, Map.of(EvaluateRes.ACCURACY, (double) g.values()[0])),
        listener);
  }

  @Test
  void aRoundAveragesResultsWeightedByExamplesAndEvaluates() throws Exception {
    List<ClientProxy> clients = List.of(
        new FnClient("a", 1, g -> new float[] {1, 1}),
        new FnClient("b", 3, g -> new float[] {5, 9}));
    List<String> events = new ArrayList<>();
    try (Coordinator c = coordinator(clients, CoordinatorSettings.simulation(), events)) {

      RoundResult r = c.runRound(1, Parameters.zeros(LAYOUT));

      assertTrue(r.completed());
      assertArrayEquals(new float[] {4, 7}, r.global().values(), 1e-6f);
      assertEquals(4.0, r.accuracy(), 1e-9);
      assertEquals(List.of("a", "b"), r.participants().stream().sorted().toList());
      assertTrue(r.failures().isEmpty());
      assertTrue(r.metrics().get(Coordinator.AGGREGATION_SECONDS) >= 0, r.metrics().toString());
    }
  }

  @Test
  void failingAndBadClientsBecomeFailuresAndTheOthersStillCount() throws Exception {
    List<ClientProxy> clients = List.of(
        new FnClient("good", 2, g -> new float[] {2, 2}),
        new FnClient("unplugged", 2, g -> null),
        new FnClient("nan", 2, g -> new float[] {Float.NaN, 0}),
        new FnClient("wrong-shape", 2, g -> new float[] {1, 2, 3}),
        new FnClient("crash", 2, g -> {
          throw new IllegalStateException("out of memory");
        }));
    List<String> events = new ArrayList<>();
    try (Coordinator c = coordinator(clients, CoordinatorSettings.simulation(), events)) {

      RoundResult r = c.runRound(1, Parameters.zeros(LAYOUT));

      assertTrue(r.completed());
      assertEquals(List.of("good"), r.participants());
      assertArrayEquals(new float[] {2, 2}, r.global().values(), 1e-6f);
      assertEquals(4, r.failures().size());
      String reasons = r.failures().toString();
      assertTrue(reasons.contains("device unplugged"), reasons);
      assertTrue(reasons.contains("out of memory"), reasons);
      assertTrue(reasons.toLowerCase().contains("nan"), reasons);
    }
  }

  /** "fast" answers {3, 3} at once; "stuck" never answers (until interrupted). */
  private static List<ClientProxy> fastAndStuck() {
    CountDownLatch never = new CountDownLatch(1);
    return List.of(
        new FnClient("fast", 1, g -> new float[] {3, 3}),
        new FnClient("stuck", 1, g -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new float[] {100, 100};
        }));
  }

  @Test
  void lateClientsTimeOutAndTheRoundCompletesWithThoseInTime() throws Exception {
    List<ClientProxy> clients = fastAndStuck();
    List<String> events = new ArrayList<>();
    CoordinatorSettings s = new CoordinatorSettings(Duration.ofMillis(500), 1, 2);
    try (Coordinator c = coordinator(clients, s, events)) {

      RoundResult r = c.runRound(1, Parameters.zeros(LAYOUT));

      assertTrue(r.completed());
      assertArrayEquals(new float[] {3, 3}, r.global().values(), 1e-6f);
      assertEquals("stuck", r.failures().get(0).clientId());
      assertTrue(r.failures().get(0).reason().contains("timeout"));
    }
  }

  @Test
  void anErrorOnTheRoundThread_failsTheOpenCallsAsAbandoned_notAsTimedOut() throws Exception {
    List<ClientProxy> clients = fastAndStuck();
    List<String> events = new ArrayList<>();
    RoundListener listener = new RoundListener() {
      @Override
      public void clientSucceeded(int round, String clientId, int n) {
        throw new OutOfMemoryError("Java heap space"); // as a fold that found no memory
      }

      @Override
      public void clientFailed(int round, ClientFailure f) {
        events.add("failed " + f.clientId() + ": " + f.reason());
      }
    };
    try (Coordinator c = new Coordinator(
        new FedAvg(StrategySettings.defaults().withSampling(1.0, 1)),
        new CoordinatorSettings(Duration.ofDays(1), 1, 2), ClientPool.of(clients), null,
        listener)) {

      OutOfMemoryError e = assertThrows(OutOfMemoryError.class,
          () -> c.runRound(1, Parameters.zeros(LAYOUT)));

      assertEquals("Java heap space", e.getMessage());
      assertEquals(List.of("failed stuck: the round was abandoned: OutOfMemoryError: Java heap"
          + " space"), events);
    }
  }

  @Test
  void tooFewResultsLeaveTheModelUnchangedAndTheRoundNotCompleted() throws Exception {
    List<ClientProxy> clients = List.of(
        new FnClient("ok", 1, g -> new float[] {1, 1}),
        new FnClient("down", 1, g -> null));
    List<String> events = new ArrayList<>();
    Parameters start = new Parameters(LAYOUT, new float[] {9, 9});
    CoordinatorSettings s = new CoordinatorSettings(Duration.ofSeconds(5), 2, 1);
    try (Coordinator c = coordinator(clients, s, events)) {

      RoundResult r = c.runRound(1, start);

      assertFalse(r.completed());
      assertSame(start, r.global());
      assertTrue(r.central().isEmpty());
    }
  }

  /** Three clients: "first" answers after the other two; "second" fails. */
  private static List<ClientProxy> slowFirst() {
    CountDownLatch othersDone = new CountDownLatch(2);
    return List.of(
        new FnClient("first", 1, g -> {
          try {
            othersDone.await();
            // the others counted down just before returning: give their results time to land
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new float[] {1, 1};
        }),
        new FnClient("second", 1, g -> {
          othersDone.countDown();
          return null;
        }),
        new FnClient("third", 1, g -> {
          othersDone.countDown();
          return new float[] {3, 3};
        }));
  }

  @Test
  void inOrder_resultsAreFoldedInTheClientsOrderWhateverOrderTheyArriveIn() throws Exception {
    // "first" finishes last; folded as they arrive, the participants would be [second, third,
    // first]; in order they are the instruction order, failures included in their turn
    List<String> inOrder = new ArrayList<>();
    List<String> asArrived = new ArrayList<>();
    try (Coordinator ordered = coordinator(slowFirst(), CoordinatorSettings.simulation(3), inOrder);
        Coordinator arriving = coordinator(slowFirst(),
            new CoordinatorSettings(Duration.ofDays(1), 1, 3), asArrived)) {

      RoundResult r = ordered.runRound(1, Parameters.zeros(LAYOUT));
      arriving.runRound(1, Parameters.zeros(LAYOUT));

      assertEquals(List.of("first", "third"), r.participants());
      assertArrayEquals(new float[] {2, 2}, r.global().values(), 1e-6f);
      assertEquals(List.of("ok first", "failed second: device unplugged", "ok third"), inOrder);
      assertEquals("ok first", asArrived.get(2), asArrived.toString());
    }
  }
}

package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AsyncStrategy;
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
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BufferedCoordinatorTest {

  private static final ParameterLayout LAYOUT =
      ParameterLayout.of(new TensorSpec("w", new int[] {1}));

  private static final StrategySettings SETTINGS = StrategySettings.defaults().withSampling(1, 1);

  /** A client whose training maps the model it was sent to its result; null means it fails. */
  private record FnClient(String id, UnaryOperator<float[]> train) implements ClientProxy {
    @Override
    public FitRes fit(FitIns ins) throws ClientException {
      float[] out = train.apply(ins.parameters().values());
      if (out == null) {
        throw new ClientException("device unplugged");
      }
      return new FitRes(new Parameters(LAYOUT, out), 1, Map.of(FitRes.LOSS, 0.5));
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
      return new EvaluateRes(0, 1, Map.of());
    }
  }

  /** Training adds 1 to the model it was given. */
  private static FnClient plusOne(String id) {
    return new FnClient(id, w -> new float[] {w[0] + 1});
  }

  private static AsyncStrategy fedbuff(int bufferSize, int concurrency) {
    return (AsyncStrategy) Strategies.create("fedbuff",
        Map.of("buffer_size", Integer.toString(bufferSize),
            "concurrency", Integer.toString(concurrency)), SETTINGS);
  }

  private static Parameters model(float w) {
    return new Parameters(LAYOUT, new float[] {w});
  }

  private static BufferedCoordinator loop(AsyncStrategy strategy, CoordinatorSettings settings,
      List<ClientProxy> clients, List<String> events) {
    RoundListener listener = new RoundListener() {
      @Override
      public void clientSucceeded(int round, String clientId, int n) {
        events.add(round + " ok " + clientId);
      }

      @Override
      public void clientFailed(int round, ClientFailure f) {
        events.add(round + " failed " + f.clientId() + ": " + f.reason());
      }
    };
    return new BufferedCoordinator(strategy, settings, ClientPool.of(clients),
        (round, g) -> new EvaluateRes(0.5, 10, Map.of(EvaluateRes.ACCURACY, (double) g.values()[0])),
        listener);
  }

  @Test
  void anAsyncStrategyGetsTheBufferedLoop_everyOtherTheSynchronousOne() {
    ClientPool none = ClientPool.of(List.of());
    try (RoundLoop async = RoundLoop.create(fedbuff(2, 3), CoordinatorSettings.simulation(),
            none, null, RoundListener.NONE);
        RoundLoop sync = RoundLoop.create(Strategies.create("fedavg", Map.of(), SETTINGS),
            CoordinatorSettings.simulation(), none, null, RoundListener.NONE)) {
      assertInstanceOf(BufferedCoordinator.class, async);
      assertInstanceOf(Coordinator.class, sync);
    }
  }

  @Test
  void oneAtATime_theClientsStillTrainingCarryOverAndArriveOneStepStale() throws Exception {
    // concurrency 3, buffer 2, one call at a time: step 1 starts a, b, c on w = 0; the first
    // result frees a place, given at once to that client (again on w = 0); the second ends the
    // step: w = 0 + mean(1, 1) = 1. Step 2 starts the last idle client on w = 1, but the two
    // started in step 1 finish first: both one step stale, each weighted 1/sqrt(2):
    // w = 1 + (1 + 1) / sqrt(2) / 2 = 1.7071.
    List<ClientProxy> clients = List.of(plusOne("a"), plusOne("b"), plusOne("c"));
    List<String> events = new ArrayList<>();
    try (BufferedCoordinator loop =
        loop(fedbuff(2, 3), CoordinatorSettings.simulation(), clients, events)) {
      RoundResult one = loop.runRound(1, model(0));
      RoundResult two = loop.runRound(2, one.global());

      assertTrue(one.completed() && two.completed());
      assertEquals(1.0f, one.global().values()[0], 1e-6);
      assertEquals(0.0, one.metrics().get("staleness_max"), one.metrics().toString());
      assertEquals(2, one.participants().size());
      assertEquals(2.0, one.metrics().get(BufferedCoordinator.IN_FLIGHT));
      assertEquals(1 + 1 / Math.sqrt(2), two.global().values()[0], 1e-5);
      assertEquals(1.0, two.metrics().get("staleness_mean"), two.metrics().toString());
      assertEquals(1 + 1 / Math.sqrt(2), two.central().orElseThrow().accuracy(), 1e-5);
      assertEquals(4, events.size(), events.toString());
    }
  }

  @Test
  void onAVirtualClock_aSlowDevicesUpdateArrivesWhenItsSpeedSays_stalerByTheStepsTakenMeanwhile()
      throws Exception {
    // fast takes 1 s per task, slow 5 s; buffer 1, concurrency 2: fast makes steps 1 to 4
    // (t = 1..4); at t = 5 slow (started at 0) and fast's fifth task tie, and the earlier started
    // goes first: step 5 folds slow's +10 from w = 0, four steps stale: w = 4 + 10 / sqrt(5)
    FnClient fast = plusOne("fast");
    FnClient slow = new FnClient("slow", w -> new float[] {w[0] + 10});
    VirtualClock clock = new VirtualClock(c -> c.id().equals("fast") ? 1 : 5);
    List<String> events = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    try (BufferedCoordinator loop = new BufferedCoordinator(fedbuff(1, 2),
        CoordinatorSettings.simulation(), ClientPool.of(List.of(fast, slow)), null,
        RoundListener.NONE, clock)) {
      Parameters w = model(0);
      List<RoundResult> steps = new ArrayList<>();
      for (int step = 1; step <= 5; step++) {
        RoundResult r = loop.runRound(step, w);
        steps.add(r);
        w = r.global();
        times.add(clock.now());
      }

      assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), times);
      for (int i = 0; i < 4; i++) {
        assertEquals(List.of("fast"), steps.get(i).participants(), "step " + (i + 1));
      }
      assertEquals(List.of("slow"), steps.get(4).participants());
      assertEquals(4.0, steps.get(4).metrics().get("staleness_max"));
      assertEquals(4 + 10 / Math.sqrt(5), w.values()[0], 1e-4);
    }
  }

  @Test
  void theSameSeedGivesTheSameSteps() throws Exception {
    List<Float> runs = new ArrayList<>();
    List<List<String>> who = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      List<ClientProxy> clients = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        float gain = 1 + i;
        clients.add(new FnClient("c" + i, w -> new float[] {w[0] + gain}));
      }
      List<String> events = new ArrayList<>();
      try (BufferedCoordinator loop =
          loop(fedbuff(2, 4), CoordinatorSettings.simulation(), clients, events)) {
        Parameters w = model(0);
        for (int step = 1; step <= 5; step++) {
          w = loop.runRound(step, w).global();
        }
        runs.add(w.values()[0]);
        who.add(events);
      }
    }

    assertEquals(runs.get(0), runs.get(1));
    assertEquals(who.get(0), who.get(1));
    assertEquals(10, who.get(0).size());
  }

  @Test
  void aSlowDeviceDoesNotHoldUpTheFastOne_andItsLateUpdateCountsDiscounted() throws Exception {
    // two calls at once, buffer 1, concurrency 2: "fast" makes steps 1 and 2 alone while "slow"
    // trains on w = 0 (fast's third task then waits); released, slow's update (+10 from 0)
    // arrives in step 3, two steps stale: w = 2 + 10 / sqrt(3).
    CountDownLatch releaseSlow = new CountDownLatch(1);
    CountDownLatch releaseFast = new CountDownLatch(1);
    AtomicInteger fastCalls = new AtomicInteger();
    FnClient fast = new FnClient("fast", w -> {
      if (fastCalls.incrementAndGet() == 3) {
        await(releaseFast);
      }
      return new float[] {w[0] + 1};
    });
    FnClient slow = new FnClient("slow", w -> {
      await(releaseSlow);
      return new float[] {w[0] + 10};
    });
    List<String> events = new CopyOnWriteArrayList<>();
    CoordinatorSettings settings = new CoordinatorSettings(Duration.ofSeconds(20), 1, 2);
    try (BufferedCoordinator loop = loop(fedbuff(1, 2), settings, List.of(fast, slow), events)) {
      RoundResult one = loop.runRound(1, model(0));
      RoundResult two = loop.runRound(2, one.global());
      releaseSlow.countDown();
      RoundResult three = loop.runRound(3, two.global());
      releaseFast.countDown();

      assertEquals(List.of("fast"), one.participants());
      assertEquals(List.of("fast"), two.participants());
      assertEquals(2.0f, two.global().values()[0], 1e-6);
      assertEquals(List.of("slow"), three.participants());
      assertEquals(2 + 10 / Math.sqrt(3), three.global().values()[0], 1e-4);
      assertEquals(2.0, three.metrics().get("staleness_max"));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aTaskPastItsDeadlineFailsInTheStepUnderWay_andAFailedDeviceIsNotAskedAgainThatStep()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    FnClient stuck = new FnClient("stuck", w -> {
      await(never);
      return null;
    });
    FnClient broken = new FnClient("broken", w -> null);
    List<String> events = new CopyOnWriteArrayList<>();
    CoordinatorSettings settings = new CoordinatorSettings(Duration.ofMillis(500), 1, 2);
    try (BufferedCoordinator loop =
        loop(fedbuff(2, 2), settings, List.of(stuck, broken), events)) {
      RoundResult one = loop.runRound(1, model(5));
      Thread.sleep(100);
      RoundResult two = loop.runRound(2, one.global());

      assertFalse(one.completed());
      assertFalse(two.completed());
      assertEquals(5.0f, one.global().values()[0]);
      assertTrue(one.participants().isEmpty() && two.participants().isEmpty());
      for (RoundResult r : List.of(one, two)) {
        assertEquals(List.of("device unplugged"), r.failures().stream()
            .filter(f -> f.clientId().equals("broken")).map(ClientFailure::reason).toList(),
            "asked once per step: " + r.failures());
      }
      // the stuck task's deadline falls at the end of step 1: it fails in step 1 or 2, once
      List<String> timeouts = new ArrayList<>();
      for (RoundResult r : List.of(one, two)) {
        r.failures().stream().filter(f -> f.clientId().equals("stuck"))
            .map(ClientFailure::reason).forEach(timeouts::add);
      }
      assertEquals(1, timeouts.stream()
          .filter("timeout after PT0.5S (started in step 1)"::equals).count(), timeouts::toString);
    }
  }

  @Test
  void anUnusableUpdateIsAFailure_andTheStepGoesOnWithTheOthers() throws Exception {
    // buffer 2 from one good client: it delivers twice, both from w = 0, while "nan" is refused
    List<ClientProxy> clients =
        List.of(new FnClient("nan", w -> new float[] {Float.NaN}), plusOne("b"));
    List<String> events = new ArrayList<>();
    try (BufferedCoordinator loop =
        loop(fedbuff(2, 2), CoordinatorSettings.simulation(), clients, events)) {
      RoundResult r = loop.runRound(1, model(0));

      assertTrue(r.completed());
      assertEquals(List.of("b", "b"), r.participants());
      assertEquals(1.0f, r.global().values()[0], 1e-6);
      assertTrue(events.stream().anyMatch(e -> e.startsWith("1 failed nan: ")
          && e.contains("not finite")), events.toString());
    }
  }
}

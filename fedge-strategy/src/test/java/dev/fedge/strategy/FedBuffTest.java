package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.ids;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.AsyncStrategy;
import dev.fedge.api.AsyncStrategy.BufferedAggregation;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FedBuffTest {

  /** One tensor of two values, for the hand-computed buffers. */
  private static final ParameterLayout PAIR =
      ParameterLayout.of(new TensorSpec("w", new int[] {2}));

  private static final StrategySettings SETTINGS = StrategySettings.defaults();

  private static Parameters pair(float a, float b) {
    return new Parameters(PAIR, new float[] {a, b});
  }

  private static FitRes fit(Parameters p, int examples, double loss) {
    return new FitRes(p, examples, Map.of(FitRes.LOSS, loss));
  }

  private static FedBuff fedBuff(double serverLr, double exponent, FedBuff.Weighting weighting) {
    return new FedBuff(SETTINGS, 0, 0, serverLr, exponent, weighting);
  }

  /**
   * The buffer of the hand-computed cases, from global [0, 0]: A trained from [0, 0] to [2, 4]
   * (staleness 0, 1 example, loss 2), B from [1, 1] to [3, 1] (staleness 3, 3 examples, loss 1).
   * Their updates x − b are [2, 4] and [2, 0].
   */
  private static AggregateResult twoUpdates(FedBuff s, Parameters global) {
    BufferedAggregation buffer = s.startBuffer(1, global);
    buffer.accept("A", fit(pair(2, 4), 1, 2.0), pair(0, 0), 0);
    buffer.accept("B", fit(pair(3, 1), 3, 1.0), pair(1, 1), 3);
    return buffer.finish(List.of());
  }

  // ------------------------------------------------------------------ the asynchronous buffer

  @Test
  void buffer_defaults_weightByExamplesAndShrinkStaleUpdates() {
    // s(0) = 1, s(3) = 4^-0.5 = 0.5; acc = 1·1·[2, 4] + 3·0.5·[2, 0] = [5, 4]; W = 1 + 3 = 4
    // next = [0, 0] + 1 · [5, 4] / 4 = [1.25, 1.0]
    AggregateResult r = twoUpdates(new FedBuff(SETTINGS), pair(0, 0));

    assertArrayEquals(new float[] {1.25f, 1.0f}, model(r));
  }

  @Test
  void buffer_serverLr_scalesTheStepFromTheGlobalModel() {
    // same updates [2, 4] and [2, 0] (bases [1, -1] and [2, 0]), global [1, -1], eta 0.5:
    // acc / W = [1.25, 1.0] as above; next = [1, -1] + 0.5 · [1.25, 1.0] = [1.625, -0.5]
    BufferedAggregation buffer =
        fedBuff(0.5, 0.5, FedBuff.Weighting.EXAMPLES).startBuffer(2, pair(1, -1));
    buffer.accept("A", fit(pair(3, 3), 1, 2.0), pair(1, -1), 0);
    buffer.accept("B", fit(pair(4, 0), 3, 1.0), pair(2, 0), 3);

    assertArrayEquals(new float[] {1.625f, -0.5f}, model(buffer.finish(List.of())));
  }

  @Test
  void buffer_equalWeighting_isThePapersMean() {
    // w = 1 each: acc = 1·1·[2, 4] + 1·0.5·[2, 0] = [3, 4]; W = 2; next = [1.5, 2.0]
    AggregateResult r = twoUpdates(fedBuff(1, 0.5, FedBuff.Weighting.EQUAL), pair(0, 0));

    assertArrayEquals(new float[] {1.5f, 2.0f}, model(r));
  }

  @Test
  void buffer_exponentZero_ignoresStaleness() {
    // s = 1: acc = 1·[2, 4] + 3·[2, 0] = [8, 4]; W = 4; next = [2.0, 1.0]
    AggregateResult r = twoUpdates(fedBuff(1, 0, FedBuff.Weighting.EXAMPLES), pair(0, 0));

    assertArrayEquals(new float[] {2.0f, 1.0f}, model(r));
  }

  @Test
  void buffer_metrics_areFedAvgsPlusStaleness() {
    BufferedAggregation buffer = new FedBuff(SETTINGS).startBuffer(1, pair(0, 0));
    buffer.accept("A", fit(pair(2, 4), 1, 2.0), pair(0, 0), 0);
    buffer.accept("B", fit(pair(3, 1), 3, 1.0), pair(1, 1), 3);

    AggregateResult r = buffer.finish(List.of(new ClientFailure("C", "timeout")));

    // loss (1·2 + 3·1) / 4 = 1.25; staleness mean (0 + 3) / 2 = 1.5, max 3
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put(FedAvg.NUM_RESULTS, 2.0);
    expected.put(FedAvg.NUM_FAILURES, 1.0);
    expected.put(FedAvg.NUM_EXAMPLES, 4.0);
    expected.put(FedAvg.TRAIN_LOSS, 1.25);
    expected.put(FedBuff.STALENESS_MEAN, 1.5);
    expected.put(FedBuff.STALENESS_MAX, 3.0);
    assertEquals(expected, r.metrics());
  }

  @Test
  void buffer_sameClientTwice_countsBothUpdates() {
    // exponent 1: s(0) = 1, s(1) = 0.5; client a delivers [2, 4] (staleness 0) and, from the
    // same base, [4, 0] (staleness 1): acc = [2, 4] + 0.5·[4, 0] = [4, 4]; W = 2; next = [2, 2]
    BufferedAggregation buffer =
        fedBuff(1, 1, FedBuff.Weighting.EXAMPLES).startBuffer(5, pair(0, 0));

    buffer.accept("a", fit(pair(2, 4), 1, 1.0), pair(0, 0), 0);
    buffer.accept("a", fit(pair(4, 0), 1, 1.0), pair(0, 0), 1);

    assertEquals(2, buffer.count());
    AggregateResult r = buffer.finish(List.of());
    assertArrayEquals(new float[] {2f, 2f}, model(r));
    assertEquals(2.0, r.metrics().get(FedAvg.NUM_RESULTS));
    assertEquals(0.5, r.metrics().get(FedBuff.STALENESS_MEAN));
    assertEquals(1.0, r.metrics().get(FedBuff.STALENESS_MAX));
  }

  @Test
  void buffer_rejectedUpdates_leaveItUnchanged() {
    Parameters global = filled(LAYOUT, 0.5f);
    float[] nan = filled(LAYOUT, 1).values();
    nan[3] = Float.NaN;
    ParameterLayout other = ParameterLayout.of(new TensorSpec("body.w", new int[] {8}));
    FedBuff s = new FedBuff(SETTINGS);
    BufferedAggregation withBad = s.startBuffer(1, global);
    BufferedAggregation clean = s.startBuffer(1, global);
    withBad.accept("a", res(filled(LAYOUT, 1), 2), global, 0);
    clean.accept("a", res(filled(LAYOUT, 1), 2), global, 0);

    List<IllegalArgumentException> errors = new ArrayList<>();
    List<Runnable> bad =
        List.of(
            () -> withBad.accept("nan", res(new Parameters(LAYOUT, nan), 5), global, 0),
            () -> withBad.accept("layout", res(filled(other, 1), 5), global, 0),
            () -> withBad.accept("base", res(filled(LAYOUT, 1), 5), filled(other, 0), 1),
            () -> withBad.accept("null-base", res(filled(LAYOUT, 1), 5), null, 1),
            () -> withBad.accept("stale", res(filled(LAYOUT, 1), 5), global, -1),
            () -> withBad.accept("empty", res(filled(LAYOUT, 1), 0), global, 0),
            () -> withBad.accept("null-result", null, global, 0),
            () -> withBad.accept(" ", res(filled(LAYOUT, 1), 5), global, 0));
    for (Runnable b : bad) {
      errors.add(assertThrows(IllegalArgumentException.class, b::run));
    }
    withBad.accept("b", res(filled(LAYOUT, -1), 3), filled(LAYOUT, 0), 2);
    clean.accept("b", res(filled(LAYOUT, -1), 3), filled(LAYOUT, 0), 2);

    assertEquals(2, withBad.count());
    AggregateResult expected = clean.finish(List.of());
    AggregateResult actual = withBad.finish(List.of());
    assertEquals(expected.parameters(), actual.parameters());
    assertEquals(expected.metrics(), actual.metrics());
    assertEquals(
        "client 'nan': value NaN at index 3 (tensor 'body.w') is not finite",
        errors.get(0).getMessage());
    assertEquals(
        "client 'layout': layout differs from the global model: tensor 0 is body.w[8], expected"
            + " body.w[2, 3]",
        errors.get(1).getMessage());
    assertEquals(
        "client 'base': base model's layout differs from the global model: tensor 0 is"
            + " body.w[8], expected body.w[2, 3]",
        errors.get(2).getMessage());
    assertEquals(
        "client 'null-base': base model must not be null", errors.get(3).getMessage());
    assertEquals("client 'stale': staleness must be >= 0, got -1", errors.get(4).getMessage());
    assertTrue(
        errors.get(5).getMessage().startsWith("client 'empty': numExamples is 0"),
        errors.get(5).getMessage());
    assertEquals("client 'null-result': result must not be null", errors.get(6).getMessage());
    assertEquals("clientId: must not be blank, got ' '", errors.get(7).getMessage());
  }

  @Test
  void buffer_empty_givesNoModel() {
    BufferedAggregation buffer = new FedBuff(SETTINGS).startBuffer(3, pair(1, 1));

    AggregateResult r = buffer.finish(List.of(new ClientFailure("a", "timeout")));

    assertFalse(r.parameters().isPresent());
    assertEquals(Map.of(FedAvg.NUM_RESULTS, 0.0, FedAvg.NUM_FAILURES, 1.0), r.metrics());
  }

  @Test
  void buffer_usedAfterFinish_isAContractError() {
    BufferedAggregation buffer = new FedBuff(SETTINGS).startBuffer(3, pair(0, 0));
    buffer.accept("a", fit(pair(1, 1), 1, 1.0), pair(0, 0), 0);
    buffer.finish(List.of());

    assertThrows(IllegalStateException.class, () -> buffer.finish(List.of()));
    assertThrows(
        IllegalStateException.class,
        () -> buffer.accept("b", fit(pair(1, 1), 1, 1.0), pair(0, 0), 0));
  }

  @Test
  void buffer_withoutStaleness_isTheSynchronousRound() {
    // staleness 0 and base = global everywhere: the same maths as aggregateFit, other rounding
    Parameters global = filled(LAYOUT, 0.25f);
    SplittableRandom random = new SplittableRandom(3);
    List<Map.Entry<String, FitRes>> rs = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      float[] v = new float[LAYOUT.totalSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) random.nextGaussian();
      }
      rs.add(entry("c" + c, res(new Parameters(LAYOUT, v), 1 + random.nextInt(40))));
    }
    for (FedBuff.Weighting w : FedBuff.Weighting.values()) {
      FedBuff s = fedBuff(0.5, 0.5, w);
      BufferedAggregation buffer = s.startBuffer(1, global);
      rs.forEach(r -> buffer.accept(r.getKey(), r.getValue(), global, 0));

      float[] async = model(buffer.finish(List.of()));
      float[] sync = model(s.aggregateFit(1, global, rs, List.of()));

      assertArrayEquals(sync, async, 1e-6f, w.label());
    }
  }

  @Test
  void stalenessFactor_isOneOverOnePlusTauToTheA() {
    assertEquals(1.0, FedBuff.stalenessFactor(0, 0.5));
    assertEquals(0.5, FedBuff.stalenessFactor(3, 0.5));
    assertEquals(1.0 / 3, FedBuff.stalenessFactor(8, 0.5), 1e-15);
    assertEquals(0.25, FedBuff.stalenessFactor(3, 1));
    assertEquals(1.0, FedBuff.stalenessFactor(100, 0));
  }

  // ------------------------------------------------------------------ the synchronous hooks

  @Test
  void synchronous_defaults_areFedAvg() {
    List<Map.Entry<String, FitRes>> rs =
        List.of(
            entry("a", res(filled(LAYOUT, 1), 3)),
            entry("b", res(filled(LAYOUT, -2), 5)),
            entry("c", res(filled(LAYOUT, 0.3f), 1)));
    Parameters global = filled(LAYOUT, 0.1f);

    AggregateResult buff = new FedBuff(SETTINGS).aggregateFit(2, global, rs, List.of());
    AggregateResult avg = new FedAvg(SETTINGS).aggregateFit(2, global, rs, List.of());

    assertEquals(avg.parameters(), buff.parameters());
    assertEquals(avg.metrics(), buff.metrics());
  }

  @Test
  void synchronous_serverLrAndEqualWeighting() {
    // global 0; updates 2 (1 example) and 6 (3 examples)
    List<Map.Entry<String, FitRes>> rs =
        List.of(entry("a", res(params(2), 1)), entry("b", res(params(6), 3)));

    // by examples: mean (2 + 18) / 4 = 5; eta 0.5: 0 + 0.5 · (5 − 0) = 2.5
    float[] half =
        model(fedBuff(0.5, 0.5, FedBuff.Weighting.EXAMPLES).aggregateFit(1, params(0), rs, List.of()));
    // equal: mean (2 + 6) / 2 = 4; eta 1: 4
    float[] equal =
        model(fedBuff(1, 0.5, FedBuff.Weighting.EQUAL).aggregateFit(1, params(0), rs, List.of()));

    assertArrayEquals(new float[] {2.5f}, half);
    assertArrayEquals(new float[] {4f}, equal);
  }

  // ------------------------------------------------------------------ choosing clients

  @Test
  void configureAsyncFit_isReproducibleFromSeedStepAndDraw() {
    List<ClientProxy> idle = clients(20);
    Parameters global = filled(LAYOUT, 0);

    List<String> first = ids(new FedBuff(SETTINGS).configureAsyncFit(3, 0, global, idle, 4));
    List<String> again = ids(new FedBuff(SETTINGS).configureAsyncFit(3, 0, global, idle, 4));
    List<String> nextDraw = ids(new FedBuff(SETTINGS).configureAsyncFit(3, 1, global, idle, 4));
    List<String> nextStep = ids(new FedBuff(SETTINGS).configureAsyncFit(4, 0, global, idle, 4));
    List<String> otherSeed =
        ids(new FedBuff(SETTINGS.withSeed(43)).configureAsyncFit(3, 0, global, idle, 4));

    assertEquals(first, again);
    assertEquals(4, first.size());
    assertNotEquals(first, nextDraw);
    assertNotEquals(first, nextStep);
    assertNotEquals(first, otherSeed);
  }

  @Test
  void configureAsyncFit_choosesAtMostSlotsDistinctIdleClients() {
    List<ClientProxy> all = clients(12);
    List<ClientProxy> idle = all.subList(5, 12);
    Set<String> idleIds = new HashSet<>();
    idle.forEach(c -> idleIds.add(c.id()));
    FedBuff s = new FedBuff(SETTINGS);
    Parameters global = filled(LAYOUT, 0);

    for (long draw = 0; draw < 50; draw++) {
      for (int slots = 0; slots <= 9; slots++) {
        List<String> chosen = ids(s.configureAsyncFit(1, draw, global, idle, slots));

        assertEquals(Math.min(slots, idle.size()), chosen.size());
        assertEquals(chosen.size(), new HashSet<>(chosen).size(), "distinct");
        assertTrue(idleIds.containsAll(chosen), chosen + " not all idle");
      }
    }
    assertEquals(List.of(), s.configureAsyncFit(1, 0, global, List.of(), 3));
    assertEquals(List.of(), s.configureAsyncFit(1, 0, global, idle, -1));
  }

  @Test
  void configureAsyncFit_isUniformOverTheIdleClients() {
    // 2000 draws of 2 among 10: each client expected 400 times (standard deviation ~18)
    List<ClientProxy> idle = clients(10);
    FedBuff s = new FedBuff(SETTINGS);
    Map<String, Integer> counts = new LinkedHashMap<>();

    for (long draw = 0; draw < 2000; draw++) {
      for (String id : ids(s.configureAsyncFit(7, draw, filled(LAYOUT, 0), idle, 2))) {
        counts.merge(id, 1, Integer::sum);
      }
    }

    assertEquals(10, counts.size());
    counts.forEach((id, n) -> assertTrue(n > 320 && n < 480, id + " chosen " + n + " times"));
  }

  @Test
  void configureAsyncFit_sendsTheGlobalModelAndTheStepsConfig() {
    Parameters global = filled(LAYOUT, 0.5f);

    List<ClientInstruction<FitIns>> ins =
        new FedBuff(SETTINGS).configureAsyncFit(6, 2, global, clients(5), 3);

    assertEquals(3, ins.size());
    for (ClientInstruction<FitIns> i : ins) {
      assertEquals(global, i.ins().parameters());
      assertEquals(6, i.ins().config().getLong(ConfigKeys.ROUND, -1));
      assertEquals(42, i.ins().config().getLong(ConfigKeys.SEED, -1));
      assertEquals(32, i.ins().config().getLong(ConfigKeys.BATCH_SIZE, -1));
    }
  }

  // ------------------------------------------------------------------ sizes and options

  @Test
  void bufferSizeAndConcurrency_defaultToTheSampleSizeAndTwiceIt() {
    FedBuff tenth = new FedBuff(SETTINGS.withSampling(0.1, 1));
    FedBuff atLeastThree = new FedBuff(SETTINGS.withSampling(0.1, 3));

    assertEquals(10, tenth.bufferSize(100));
    assertEquals(20, tenth.concurrency(100));
    assertEquals(3, atLeastThree.bufferSize(10));
    assertEquals(2, atLeastThree.bufferSize(2), "capped at the clients available");
    assertEquals(1, tenth.bufferSize(0), "at least 1");
    assertEquals(2, tenth.concurrency(0));
  }

  @Test
  void bufferSizeAndConcurrency_explicit() {
    FedBuff both = new FedBuff(SETTINGS, 5, 7, 1, 0.5, FedBuff.Weighting.EXAMPLES);
    FedBuff onlyBuffer = new FedBuff(SETTINGS, 5, 0, 1, 0.5, FedBuff.Weighting.EXAMPLES);

    assertEquals(5, both.bufferSize(100));
    assertEquals(7, both.concurrency(100));
    assertEquals(5, onlyBuffer.bufferSize(2));
    assertEquals(10, onlyBuffer.concurrency(2));
  }

  @Test
  void strategies_parsesTheOptions() {
    Strategy s =
        Strategies.create(
            "fedbuff",
            Map.of(
                "buffer_size", "4",
                "concurrency", "9",
                "server_lr", "0.5",
                "staleness_exponent", "1",
                "weighting", "equal"),
            SETTINGS);
    Strategy defaults = Strategies.create("fedbuff", Map.of(), SETTINGS);

    AsyncStrategy async = assertInstanceOf(AsyncStrategy.class, s);
    assertEquals(4, async.bufferSize(100));
    assertEquals(9, async.concurrency(100));
    Map<String, Object> p = s.provenance();
    assertEquals(4, p.get("buffer_size"));
    assertEquals(9, p.get("concurrency"));
    assertEquals(0.5, p.get("server_lr"));
    assertEquals(1.0, p.get("staleness_exponent"));
    assertEquals("equal", p.get("weighting"));
    assertEquals(
        List.of(
            "strategy", "buffer_size", "concurrency", "server_lr", "staleness_exponent",
            "weighting", "fraction", "min_clients", "seed", "fraction_evaluate"),
        defaults.provenance().keySet().stream().filter(k -> !k.startsWith("fit.")).toList());
    assertEquals(0, defaults.provenance().get("buffer_size"));
    assertEquals(0, defaults.provenance().get("concurrency"));
    assertEquals(1.0, defaults.provenance().get("server_lr"));
    assertEquals(0.5, defaults.provenance().get("staleness_exponent"));
    assertEquals("examples", defaults.provenance().get("weighting"));
  }

  @Test
  void strategies_badValues_nameTheOptionAndTheValue() {
    assertEquals(
        "fedbuff: option 'buffer_size' must be >= 0, got -1", error("buffer_size", "-1"));
    assertEquals(
        "strategy 'fedbuff': option 'buffer_size' must be an integer, got '2.5'",
        error("buffer_size", "2.5"));
    assertEquals(
        "fedbuff: option 'concurrency' must be >= 0, got -3", error("concurrency", "-3"));
    assertEquals("fedbuff: option 'server_lr' must be > 0, got 0.0", error("server_lr", "0"));
    assertEquals(
        "strategy 'fedbuff': option 'server_lr' must be a number, got 'Infinity'",
        error("server_lr", "Infinity"));
    assertEquals(
        "fedbuff: option 'staleness_exponent' must be >= 0.0, got -0.5",
        error("staleness_exponent", "-0.5"));
    assertEquals(
        "fedbuff: option 'weighting' must be examples or equal, got 'uniform'",
        error("weighting", "uniform"));
    assertEquals(
        "strategy 'fedbuff': unknown option 'buffer'; known options: buffer_size, concurrency,"
            + " server_lr, staleness_exponent, weighting",
        error("buffer", "4"));
  }

  private static String error(String option, String value) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> Strategies.create("fedbuff", Map.of(option, value), SETTINGS))
        .getMessage();
  }
}

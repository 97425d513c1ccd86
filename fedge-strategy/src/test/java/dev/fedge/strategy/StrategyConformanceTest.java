package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.ids;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every strategy of {@link Strategies#names()} must keep, run against each with its
 * default options. What "aggregating" means differs by kind, stated in {@link Kind}; a strategy
 * added to {@link Strategies} without a kind here fails {@link #everyStrategyHasAKind}.
 */
class StrategyConformanceTest {

  /** What a strategy's aggregation must satisfy. */
  enum Kind {
    /**
     * The new model is the example-weighted average: identical updates give that model back.
     * FedProx and FedNTD are FedAvg on the server; FedNova equals FedAvg when every client takes
     * the same number of steps (here 10); FedAvgM's first round with server_lr 1 is the average
     * (its momentum buffer starts at zero). FedBuff run synchronously (staleness 0) with its
     * defaults (server_lr 1, weighting by examples) is FedAvg.
     */
    AVERAGE,
    /**
     * An adaptive server optimiser (Adam, Yogi, Adagrad) steps from the global model toward the
     * example-weighted average: every coordinate moves in the direction of the target, and only
     * those.
     */
    TOWARD_AVERAGE,
    /** FedPav: AVERAGE for the shared tensors; the local ones ({@code head.*}) keep the global. */
    PARTIAL_AVERAGE,
    /**
     * Median, trimmed mean, Krum: identical updates give that model back; example counts play no
     * part (changing them changes nothing).
     */
    ROBUST,
    /** Local-only: never a global model. */
    NO_MODEL
  }

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("fedavg", Kind.AVERAGE),
          Map.entry("fedprox", Kind.AVERAGE),
          Map.entry("fedntd", Kind.AVERAGE),
          Map.entry("fednova", Kind.AVERAGE),
          Map.entry("fedavgm", Kind.AVERAGE),
          Map.entry("fedbuff", Kind.AVERAGE),
          Map.entry("fedadam", Kind.TOWARD_AVERAGE),
          Map.entry("fedyogi", Kind.TOWARD_AVERAGE),
          Map.entry("fedadagrad", Kind.TOWARD_AVERAGE),
          Map.entry("fedpav", Kind.PARTIAL_AVERAGE),
          Map.entry("fedpav-ntd", Kind.PARTIAL_AVERAGE),
          Map.entry("fedmedian", Kind.ROBUST),
          Map.entry("fedtrimmedavg", Kind.ROBUST),
          Map.entry("krum", Kind.ROBUST),
          Map.entry("local-only", Kind.NO_MODEL));

  /** 30% of 10 clients, at least 3 (Krum with f = 0 needs more than 2), half evaluate. */
  private static final StrategySettings SETTINGS =
      new StrategySettings(0.3, 3, 7, StrategySettings.defaultFitConfig(), 0.5);

  private static final int HEAD = LAYOUT.offset(LAYOUT.indexOf("head.b"));

  static List<String> names() {
    return Strategies.names();
  }

  private static Strategy create(String name) {
    return Strategies.create(name, Map.of(), SETTINGS);
  }

  /** Global model: 0.1·i in coordinate i. */
  private static Parameters global() {
    float[] v = new float[LAYOUT.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.1f * i;
    }
    return new Parameters(LAYOUT, v);
  }

  /** An update: base + 0.01·i in coordinate i. */
  private static Parameters update(float base) {
    float[] v = new float[LAYOUT.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = base + 0.01f * i;
    }
    return new Parameters(LAYOUT, v);
  }

  private static boolean isHead(int i) {
    return i >= HEAD;
  }

  @Test
  void everyStrategyHasAKind() {
    assertEquals(Set.copyOf(Strategies.names()), KINDS.keySet());
  }

  @ParameterizedTest
  @MethodSource("names")
  void identicalUpdates_giveThatModelBack(String name) {
    Parameters g = global();
    Parameters x = update(2);
    List<Map.Entry<String, FitRes>> rs = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      rs.add(entry("c" + k, res(x, k + 1)));
    }

    AggregateResult r = Fixtures.run(create(name), 1, g, rs);

    float[] target = x.values();
    switch (KINDS.get(name)) {
      case AVERAGE, ROBUST -> assertClose(target, Fixtures.model(r), name);
      case PARTIAL_AVERAGE -> assertPartial(target, g.values(), Fixtures.model(r), name);
      case TOWARD_AVERAGE -> assertToward(g.values(), target, Fixtures.model(r), name);
      case NO_MODEL -> assertFalse(r.parameters().isPresent(), name);
      default -> throw new AssertionError(name);
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void exampleCounts_weightTheAverageWhereTheyShould(String name) {
    Parameters g = new Parameters(LAYOUT, new float[LAYOUT.totalSize()]);
    // +1 (1 example), -1 (1 or 5 examples), +3 (1 example): weighted means 1 and -1/7
    AggregateResult even = Fixtures.run(create(name), 1, g, threeUpdates(1));
    AggregateResult skewed = Fixtures.run(create(name), 1, g, threeUpdates(5));

    float[] meanEven = update(1).values();
    float[] meanSkewed = update(-1f / 7).values();
    switch (KINDS.get(name)) {
      case AVERAGE -> {
        assertClose(meanEven, Fixtures.model(even), name);
        assertClose(meanSkewed, Fixtures.model(skewed), name);
      }
      case PARTIAL_AVERAGE -> {
        assertPartial(meanEven, g.values(), Fixtures.model(even), name);
        assertPartial(meanSkewed, g.values(), Fixtures.model(skewed), name);
      }
      case TOWARD_AVERAGE -> {
        assertToward(g.values(), meanEven, Fixtures.model(even), name);
        assertToward(g.values(), meanSkewed, Fixtures.model(skewed), name);
      }
      case ROBUST -> assertEquals(even.parameters(), skewed.parameters(), name);
      case NO_MODEL -> assertFalse(even.parameters().isPresent() || skewed.parameters().isPresent());
      default -> throw new AssertionError(name);
    }
  }

  private static List<Map.Entry<String, FitRes>> threeUpdates(int examplesOfMinusOne) {
    return List.of(
        entry("a", res(update(1), 1)),
        entry("b", res(update(-1), examplesOfMinusOne)),
        entry("c", res(update(3), 1)));
  }

  @ParameterizedTest
  @MethodSource("names")
  void configureFit_isReproducibleFromSeedAndRound(String name) {
    List<ClientProxy> available = clients(10);
    Strategy one = create(name);
    Strategy two = create(name);

    List<ClientInstruction<FitIns>> r1 = one.configureFit(1, global(), available);
    List<ClientInstruction<FitIns>> r2 = one.configureFit(2, global(), available);

    assertEquals(ids(r1), ids(two.configureFit(1, global(), available)));
    assertEquals(ids(r2), ids(two.configureFit(2, global(), available)));
    if (KINDS.get(name) == Kind.NO_MODEL) {
      assertEquals(10, r1.size(), "local-only trains every client");
    } else {
      assertEquals(3, r1.size());
      assertNotEquals(ids(r1), ids(r2), "rounds 1 and 2 sample different clients");
    }
    Config c = r2.get(0).ins().config();
    assertEquals(2, c.getLong(ConfigKeys.ROUND, -1));
    assertEquals(7, c.getLong(ConfigKeys.SEED, -1));
    assertEquals(global(), r2.get(0).ins().parameters());
  }

  @ParameterizedTest
  @MethodSource("names")
  void configureEvaluate_samplesAndSaysWhenToEvaluatePersonally(String name) {
    List<ClientInstruction<EvaluateIns>> ins =
        create(name).configureEvaluate(1, global(), clients(10));

    boolean personal = name.startsWith("fedpav") || name.equals("local-only");
    assertEquals(name.equals("local-only") ? 10 : 5, ins.size());
    assertEquals(personal, ins.get(0).ins().config().getBoolean(ConfigKeys.PERSONAL, false));
  }

  @ParameterizedTest
  @MethodSource("names")
  void emptyOrAllFailedRound_keepsTheGlobalModel(String name) {
    Strategy s = create(name);

    AggregateResult empty = s.startAggregation(1, global()).finish(List.of());
    AggregateResult failed =
        s.startAggregation(2, global())
            .finish(
                List.of(
                    new ClientFailure("c1", "timeout"),
                    new ClientFailure("c2", "disconnected"),
                    new ClientFailure("c3", "NaN in update")));

    assertFalse(empty.parameters().isPresent());
    assertFalse(failed.parameters().isPresent());
    assertEquals(0.0, empty.metrics().get(FedAvg.NUM_RESULTS));
    assertEquals(3.0, failed.metrics().get(FedAvg.NUM_FAILURES));
  }

  @ParameterizedTest
  @MethodSource("names")
  void badUpdates_areRejectedWithoutTouchingTheAggregate(String name) {
    float[] nan = update(1).values();
    nan[3] = Float.NaN;
    float[] inf = update(1).values();
    inf[HEAD] = Float.NEGATIVE_INFINITY;
    ParameterLayout other =
        ParameterLayout.of(new TensorSpec("body.w", new int[] {8}));
    Map<String, FitRes> bad =
        Map.of(
            "nan-client", res(new Parameters(LAYOUT, nan), 5),
            "inf-client", res(new Parameters(LAYOUT, inf), 5),
            "layout-client", res(Fixtures.filled(other, 1), 5),
            "empty-client", res(update(1), 0));
    List<Map.Entry<String, FitRes>> good = randomUpdates(3, 11);
    Strategy withBad = create(name);
    FitAggregation agg = withBad.startAggregation(1, global());

    agg.accept(good.get(0).getKey(), good.get(0).getValue());
    for (Map.Entry<String, FitRes> b : bad.entrySet()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> agg.accept(b.getKey(), b.getValue()));
      assertTrue(e.getMessage().contains("'" + b.getKey() + "'"), e.getMessage());
    }
    assertEquals(1, agg.count());
    agg.accept(good.get(1).getKey(), good.get(1).getValue());
    agg.accept(good.get(2).getKey(), good.get(2).getValue());
    AggregateResult withRejections = agg.finish(List.of());

    AggregateResult clean = Fixtures.run(create(name), 1, global(), good);
    assertEquals(clean.parameters(), withRejections.parameters(), name);
    assertEquals(clean.metrics(), withRejections.metrics(), name);
  }

  @ParameterizedTest
  @MethodSource("names")
  void streaming_andAllAtOnce_giveTheSameResult(String name) {
    List<Map.Entry<String, FitRes>> rs = randomUpdates(6, 5);

    AggregateResult streamed = Fixtures.run(create(name), 3, global(), rs);
    AggregateResult allAtOnce = create(name).aggregateFit(3, global(), rs, List.of());

    assertEquals(streamed.parameters(), allAtOnce.parameters(), name);
    assertEquals(streamed.metrics(), allAtOnce.metrics(), name);
    assertEquals(6.0, streamed.metrics().get(FedAvg.NUM_RESULTS));
  }

  @ParameterizedTest
  @MethodSource("names")
  void restoredState_continuesAsIfNeverInterrupted(String name) {
    Strategy straight = create(name);
    Parameters g1 =
        Fixtures.run(straight, 1, global(), randomUpdates(4, 11)).parameters().orElse(global());
    Parameters g2 = Fixtures.run(straight, 2, g1, randomUpdates(4, 12)).parameters().orElse(g1);
    Map<String, float[]> saved = straight.state();
    var g3 = Fixtures.run(straight, 3, g2, randomUpdates(4, 13)).parameters();

    Strategy resumed = create(name);
    resumed.restoreState(saved);
    var r3 = Fixtures.run(resumed, 3, g2, randomUpdates(4, 13)).parameters();

    assertEquals(g3, r3, name + ": a restored strategy steps as the uninterrupted one");
    saved.values().forEach(b -> assertEquals(LAYOUT.totalSize(), b.length, name));
    // state() hands out copies
    straight.state().values().forEach(b -> java.util.Arrays.fill(b, 1e6f));
    straight.state().values().forEach(b -> assertTrue(b.length == 0 || b[0] != 1e6f, name));
  }

  @ParameterizedTest
  @MethodSource("names")
  void provenance_namesTheStrategyAndSeed(String name) {
    Map<String, Object> p = create(name).provenance();

    assertEquals(name, p.get("strategy"));
    assertEquals(7L, p.get("seed"));
    assertEquals(3, p.get("min_clients"));
  }

  private static List<Map.Entry<String, FitRes>> randomUpdates(int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Map.Entry<String, FitRes>> out = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      float[] v = new float[LAYOUT.totalSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      out.add(entry("r" + c, res(new Parameters(LAYOUT, v), 1 + r.nextInt(50), r.nextDouble(), 5 + r.nextInt(20))));
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual, String name) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5f, name + " coordinate " + i);
    }
  }

  private static void assertPartial(float[] shared, float[] global, float[] actual, String name) {
    for (int i = 0; i < actual.length; i++) {
      float expected = isHead(i) ? global[i] : shared[i];
      assertEquals(expected, actual[i], 1e-5f, name + " coordinate " + i);
    }
  }

  private static void assertToward(float[] from, float[] target, float[] actual, String name) {
    for (int i = 0; i < actual.length; i++) {
      double wanted = Math.signum((double) target[i] - from[i]);
      double moved = Math.signum((double) actual[i] - from[i]);
      assertEquals(wanted, moved, name + " coordinate " + i + " moved the wrong way");
    }
  }
}

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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  private final FedAvg fedAvg = new FedAvg(StrategySettings.defaults());
  private final Parameters global = filled(LAYOUT, 0);

  @Test
  void aggregate_isExampleWeightedMean_withMetrics() {
    FitAggregation agg = fedAvg.startAggregation(1, global);
    agg.accept("a", res(filled(LAYOUT, 1), 1, 0.5, 10));
    agg.accept("b", res(filled(LAYOUT, 3), 3, 1.5, 10));

    AggregateResult r = agg.finish(List.of(new ClientFailure("c", "timeout")));

    // (1·1 + 3·3) / 4 = 2.5; train_loss (0.5·1 + 1.5·3) / 4 = 1.25
    assertArrayEquals(filled(LAYOUT, 2.5f).values(), model(r));
    assertEquals(1.25, r.metrics().get(FedAvg.TRAIN_LOSS), 1e-12);
    assertEquals(2.0, r.metrics().get(FedAvg.NUM_RESULTS));
    assertEquals(1.0, r.metrics().get(FedAvg.NUM_FAILURES));
    assertEquals(4.0, r.metrics().get(FedAvg.NUM_EXAMPLES));
  }

  @Test
  void trainLoss_onlyFromClientsThatReportIt() {
    FitAggregation agg = fedAvg.startAggregation(1, global);
    agg.accept("a", new FitRes(filled(LAYOUT, 1), 5, Map.of()));
    agg.accept("b", res(filled(LAYOUT, 1), 1, 2.0, 10));

    assertEquals(2.0, agg.finish(List.of()).metrics().get(FedAvg.TRAIN_LOSS));
  }

  @Test
  void streaming_isBitIdenticalToAllAtOnceMaths() {
    SplittableRandom r = new SplittableRandom(3);
    float[][] v = new float[5][8];
    double[] n = new double[5];
    FitAggregation agg = fedAvg.startAggregation(1, global);
    for (int k = 0; k < 5; k++) {
      for (int i = 0; i < 8; i++) {
        v[k][i] = (float) r.nextGaussian();
      }
      n[k] = 1 + r.nextInt(100);
      agg.accept("c" + k, res(params(v[k].clone()), (int) n[k]));
    }

    float[] streamed = model(agg.finish(List.of()));

    assertArrayEquals(Aggregations.weightedAverage(List.of(v), n), streamed);
  }

  @Test
  void accept_rejectsWrongLayout_namingClientAndTensor() {
    ParameterLayout other =
        ParameterLayout.of(
            new TensorSpec("body.w", new int[] {2, 3}), new TensorSpec("head.b", new int[] {1}));
    FitAggregation agg = fedAvg.startAggregation(1, global);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> agg.accept("dev-7", res(filled(other, 1), 1)));

    assertEquals(
        "client 'dev-7': layout differs from the global model: tensor 1 is head.b[1], expected"
            + " head.b[2]",
        e.getMessage());
    assertEquals(0, agg.count());
  }

  @Test
  void accept_rejectsNonFinite_namingClientIndexAndTensor() {
    float[] v = filled(LAYOUT, 1).values();
    v[7] = Float.POSITIVE_INFINITY;
    FitAggregation agg = fedAvg.startAggregation(1, global);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> agg.accept("x", res(params(v), 1)));

    assertEquals(
        "client 'x': value Infinity at index 7 (tensor 'head.b') is not finite", e.getMessage());
  }

  @Test
  void checkedFiniteUpdates_areFoldedWithoutASecondScan_andGiveTheSameMean() {
    float[] a = filled(LAYOUT, 1).values();
    float[] b = filled(LAYOUT, 3).values();
    b[2] = 0.25f;
    FitAggregation plain = fedAvg.startAggregation(1, global);
    plain.accept("a", res(params(a.clone()), 1));
    plain.accept("b", res(params(b.clone()), 3));
    FitAggregation checked = fedAvg.startAggregation(1, global);
    checked.accept("a", res(Parameters.checkedFinite(LAYOUT, a.clone()), 1));
    checked.accept("b", res(Parameters.checkedFinite(LAYOUT, b.clone()), 3));
    assertArrayEquals(model(plain.finish(List.of())), model(checked.finish(List.of())));

    // the flag is the maker's word that it scanned: an unmarked NaN is still refused, while a
    // marked one shows that accept trusts the flag instead of scanning again
    float[] nan = filled(LAYOUT, 1).values();
    nan[4] = Float.NaN;
    FitAggregation agg = fedAvg.startAggregation(1, global);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> agg.accept("n", res(params(nan), 1)));
    assertEquals(
        "client 'n': value NaN at index 4 (tensor 'body.w') is not finite", e.getMessage());
    agg.accept("m", res(Parameters.checkedFinite(LAYOUT, nan), 1));
    assertEquals(1, agg.count());
  }

  @Test
  void checkedFiniteUpdates_ofAnotherLayout_areStillRefused() {
    ParameterLayout other = ParameterLayout.of(new TensorSpec("w", new int[] {LAYOUT.totalSize()}));
    FitAggregation agg = fedAvg.startAggregation(1, global);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> agg.accept("s", res(Parameters.checkedFinite(other,
            new float[LAYOUT.totalSize()]), 1)));
    assertTrue(e.getMessage().startsWith("client 's': layout differs"), e.getMessage());
    assertEquals(0, agg.count());
  }

  @Test
  void accept_rejectsZeroExamples() {
    FitAggregation agg = fedAvg.startAggregation(1, global);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> agg.accept("z", res(filled(LAYOUT, 1), 0)));

    assertTrue(e.getMessage().startsWith("client 'z': numExamples is 0"), e.getMessage());
  }

  @Test
  void accept_rejectsSecondResultOfSameClient_keepingTheFirst() {
    FitAggregation agg = fedAvg.startAggregation(4, global);
    agg.accept("a", res(filled(LAYOUT, 1), 1));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> agg.accept("a", res(filled(LAYOUT, 9), 1)));

    assertEquals("client 'a': already delivered a result in round 4", e.getMessage());
    assertArrayEquals(filled(LAYOUT, 1).values(), model(agg.finish(List.of())));
  }

  @Test
  void finish_twice_isAContractError() {
    FitAggregation agg = fedAvg.startAggregation(1, global);
    agg.finish(List.of());

    assertThrows(IllegalStateException.class, () -> agg.finish(List.of()));
    assertThrows(
        IllegalStateException.class, () -> agg.accept("a", res(filled(LAYOUT, 1), 1)));
  }

  @Test
  void emptyRound_keepsGlobal() {
    AggregateResult r = fedAvg.startAggregation(1, global).finish(List.of());

    assertFalse(r.parameters().isPresent());
    assertEquals(0.0, r.metrics().get(FedAvg.NUM_RESULTS));
  }

  @Test
  void configureFit_samplesAndSendsTrainerSettingsRoundAndSeed() {
    FedAvg s =
        new FedAvg(new StrategySettings(0.3, 2, 11, StrategySettings.defaultFitConfig(), 0));

    List<ClientInstruction<FitIns>> ins = s.configureFit(5, global, clients(10));

    assertEquals(3, ins.size());
    FitIns fit = ins.get(0).ins();
    assertEquals(global, fit.parameters());
    assertEquals(5, fit.config().getLong(ConfigKeys.ROUND, 0));
    assertEquals(11, fit.config().getLong(ConfigKeys.SEED, 0));
    assertEquals(0.01, fit.config().getDouble(ConfigKeys.LR, 0));
    assertEquals(1, fit.config().getLong(ConfigKeys.LOCAL_EPOCHS, 0));
    assertFalse(fit.config().has(ConfigKeys.OBJECTIVE));
  }

  @Test
  void configureEvaluate_noneWhenFractionIsZero_elseSampled() {
    assertTrue(fedAvg.configureEvaluate(1, global, clients(10)).isEmpty());

    FedAvg s = new FedAvg(StrategySettings.defaults().withFractionEvaluate(0.5));
    List<ClientInstruction<EvaluateIns>> ins = s.configureEvaluate(2, global, clients(10));

    assertEquals(5, ins.size());
    assertEquals(32, ins.get(0).ins().config().getLong(ConfigKeys.BATCH_SIZE, 0));
    assertFalse(ins.get(0).ins().config().has(ConfigKeys.PERSONAL));
    assertEquals(ids(ins), ids(s.configureEvaluate(2, global, clients(10))));
  }

  @Test
  void provenance_listsSettings() {
    Map<String, Object> p = fedAvg.provenance();

    assertEquals("fedavg", p.get("strategy"));
    assertEquals(42L, p.get("seed"));
    assertEquals(1.0, p.get("fraction"));
    assertEquals(0.01, p.get("fit.lr"));
  }

  @Test
  void aggregateFit_default_givesSameAsStreaming() {
    List<Map.Entry<String, FitRes>> rs =
        List.of(entry("a", res(filled(LAYOUT, 1), 2)), entry("b", res(filled(LAYOUT, 4), 1)));

    AggregateResult all = fedAvg.aggregateFit(1, global, rs, List.of());

    assertEquals(Fixtures.run(fedAvg, 1, global, rs).parameters(), all.parameters());
    assertArrayEquals(filled(LAYOUT, 2).values(), model(all));
  }
}

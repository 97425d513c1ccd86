package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.api.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeteroFlTest {

  /** A two-layer net: hidden units scale (dim 0 of l1, dim 1 of head), inputs and classes do not. */
  private static ParameterLayout net(int hidden) {
    return ParameterLayout.of(new TensorSpec("l1.weight", new int[] {hidden, 2}),
        new TensorSpec("l1.bias", new int[] {hidden}),
        new TensorSpec("head.weight", new int[] {2, hidden}));
  }

  private static final ParameterLayout FULL = net(4);

  private static ParameterLayout at(double w) {
    return net((int) Math.ceil(w * 4));
  }

  private static Strategy fedavg() {
    return Strategies.create("fedavg", Map.of(), StrategySettings.defaults());
  }

  private static Parameters counting() {
    float[] v = new float[FULL.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return new Parameters(FULL, v);
  }

  @Test
  void eachClientGetsTheSliceOfItsWidth_andAClientWithoutAWidthTakesNoPart() {
    Map<String, Double> widths = Map.of("c0", 1.0, "c1", 0.5, "c2", 0.0, "c3", 0.25);
    HeteroFl h = new HeteroFl(fedavg(), List.of(1.0, 0.5, 0.25), c -> widths.get(c.id()),
        HeteroFlTest::at, null);
    Parameters global = counting();

    List<ClientInstruction<FitIns>> ins = h.configureFit(1, global, Fixtures.clients(4));

    assertEquals(List.of("c0", "c1", "c3"), Fixtures.ids(ins));
    assertSame(global, ins.get(0).ins().parameters());
    // l1.weight [4,2] = 0..7, l1.bias 8..11, head.weight [2,4] = 12..19; half: 2 hidden units
    assertArrayEquals(new float[] {0, 1, 2, 3, 8, 9, 12, 13, 16, 17},
        ins.get(1).ins().parameters().values());
    assertArrayEquals(new float[] {0, 1, 8, 12, 16}, ins.get(2).ins().parameters().values());
    assertEquals(List.of(1.0, 0.5, 0.25), ins.stream()
        .map(i -> i.ins().config().getDouble(ConfigKeys.WIDTH, -1)).toList());
    // the wrapped strategy's config is kept
    assertTrue(ins.get(2).ins().config().has(ConfigKeys.LOCAL_EPOCHS));
    assertEquals(Map.of("c0", 1.0, "c1", 0.5, "c3", 0.25),
        ((Map<?, ?>) h.provenance().get("heterofl")).get("client_widths"));
  }

  @Test
  void theRoundAveragesEachParameterOverTheClientsThatHoldIt() {
    Map<String, Double> widths = Map.of("c0", 1.0, "c1", 0.5, "c2", 0.5);
    HeteroFl h = new HeteroFl(fedavg(), List.of(1.0, 0.5), c -> widths.get(c.id()),
        HeteroFlTest::at, null);
    Parameters global = counting();
    h.configureFit(1, global, Fixtures.clients(3));

    // c0 (full, 2 examples) sends all 1s; c1 (half, 1 example) all 4s; c2 (half, 3 examples) 8s
    AggregateResult r = Fixtures.run(h, 1, global, List.of(
        Fixtures.entry("c0", Fixtures.res(Fixtures.filled(FULL, 1), 2)),
        Fixtures.entry("c1", Fixtures.res(Fixtures.filled(at(0.5), 4), 1)),
        Fixtures.entry("c2", Fixtures.res(Fixtures.filled(at(0.5), 8), 3))));

    // held by all three: (2*1 + 1*4 + 3*8) / 6 = 5; held by c0 alone: 1
    float a = 5;
    assertArrayEquals(new float[] {a, a, a, a, 1, 1, 1, 1, a, a, 1, 1, a, a, 1, 1, a, a, 1, 1},
        Fixtures.model(r));
    assertEquals(1.0, r.metrics().get("results_w1"));
    assertEquals(2.0, r.metrics().get("results_w0.5"));
    assertEquals(6.0, r.metrics().get(FedAvg.NUM_EXAMPLES));

    // a round of half-width clients only: the other half of the model keeps its values
    AggregateResult halfOnly = Fixtures.run(h, 2, global, List.of(
        Fixtures.entry("c1", Fixtures.res(Fixtures.filled(at(0.5), 4), 1))));
    assertArrayEquals(new float[] {4, 4, 4, 4, 4, 5, 6, 7, 4, 4, 10, 11, 4, 4, 14, 15, 4, 4, 18,
        19}, Fixtures.model(halfOnly));
  }

  @Test
  void unusableResultsAreRefusedAndLeaveTheAggregateAsItWas() {
    HeteroFl h = new HeteroFl(fedavg(), List.of(1.0, 0.5), c -> 1.0, HeteroFlTest::at, null);
    Parameters global = counting();
    FitAggregation agg = h.startAggregation(1, global);
    assertThrows(IllegalArgumentException.class,
        () -> agg.accept("c0", Fixtures.res(Fixtures.filled(net(5), 1), 1)));
    Parameters nan = Fixtures.filled(at(0.5), 1);
    nan.values()[3] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> agg.accept("c1", Fixtures.res(nan, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> agg.accept("c2", Fixtures.res(Fixtures.filled(at(0.5), 1), 0)));
    agg.accept("c3", Fixtures.res(Fixtures.filled(FULL, 2), 1));
    assertThrows(IllegalArgumentException.class,
        () -> agg.accept("c3", Fixtures.res(Fixtures.filled(FULL, 2), 1)));
    assertArrayEquals(Fixtures.filled(FULL, 2).values(),
        Fixtures.model(agg.finish(List.of())));
  }

  @Test
  void theEvaluationReportsTheFullModelAndEachWidth() {
    HeteroFl h = new HeteroFl(fedavg(), List.of(0.25, 1.0, 0.5), c -> 1.0, HeteroFlTest::at,
        (w, p) -> {
          assertEquals(at(w), p.layout());
          return new EvaluateRes(1 - w, 100, Map.of(EvaluateRes.ACCURACY, w / 2));
        });

    EvaluateRes r = h.evaluate(1, counting()).orElseThrow();

    assertEquals(0.5, r.accuracy(), 1e-12);
    assertEquals(0.0, r.loss(), 1e-12);
    assertEquals(0.25, r.metrics().get("accuracy_w0.5"), 1e-12);
    assertEquals(0.125, r.metrics().get("accuracy_w0.25"), 1e-12);
    assertEquals(0.75, r.metrics().get("loss_w0.25"), 1e-12);
    assertEquals(List.of(1.0, 0.5, 0.25), h.widths());
  }

  @Test
  void strategiesThatDoNotAverageAndBadWidthsAreRefused() {
    Strategy fedadam = Strategies.create("fedadam", Map.of(), StrategySettings.defaults());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HeteroFl(fedadam, List.of(1.0), c -> 1.0, HeteroFlTest::at, null));
    assertTrue(e.getMessage().startsWith("widths:") && e.getMessage().contains("fedadam"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new HeteroFl(fedavg(), List.of(1.5), c -> 1.0, HeteroFlTest::at, null));
    HeteroFl h = new HeteroFl(fedavg(), List.of(1.0), c -> 2.0, HeteroFlTest::at, null);
    List<ClientProxy> clients = Fixtures.clients(1);
    assertThrows(IllegalArgumentException.class, () -> h.configureFit(1, counting(), clients));
    assertEquals("0.25", HeteroFl.label(0.25));
    assertEquals("1", HeteroFl.label(1.0));
  }
}

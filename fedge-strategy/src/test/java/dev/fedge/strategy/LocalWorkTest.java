package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.strategy.codec.Float32Bytes;
import dev.fedge.strategy.codec.Float32Codec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalWorkTest {

  @Test
  void stepsAreWhatFitsInTheDeadline_boundedByTheEpochsAndTheMinimum() {
    // 10 s x 64 img/s / 32 per batch = 20 steps
    assertEquals(20, LocalWork.steps(10, 64, 32, 10_000, 2, 1));
    // a fast device stops at the configured epochs: 2 x ceil(300 / 32) = 20
    assertEquals(20, LocalWork.steps(10, 1e6, 32, 300, 2, 1));
    // a slow one gets at least the minimum (0.3 steps fit)
    assertEquals(5, LocalWork.steps(10, 1, 32, 10_000, 2, 5));
    // ... but never more than its epochs' work
    assertEquals(2, LocalWork.steps(10, 1, 32, 40, 1, 5));
    // an unknown speed (a new device): the minimum, a short probe
    assertEquals(3, LocalWork.steps(10, Double.NaN, 32, 10_000, 2, 3));
    assertEquals(3, LocalWork.steps(10, 0, 32, 0, 2, 3));
  }

  @Test
  void eachSelectedClientGetsItsOwnMaxSteps_andTheRestIsTheWrappedStrategys() {
    Strategy fednova = Strategies.create("fednova", Map.of(), StrategySettings.defaults());
    Map<String, Double> speeds = Map.of("c0", 320.0, "c1", 32.0, "c2", Double.NaN);
    LocalWork work = new LocalWork(fednova, 1.0, 2, 32, 5, speeds::get, id -> 3200);

    List<ClientInstruction<FitIns>> ins = work.configureFit(1, Fixtures.filled(Fixtures.LAYOUT, 0),
        Fixtures.clients(3));

    assertEquals(List.of("c0", "c1", "c2"), Fixtures.ids(ins));
    assertEquals(List.of(10L, 2L, 2L), ins.stream()
        .map(i -> i.ins().config().getLong(ConfigKeys.MAX_STEPS, -1)).toList());
    // the wrapped strategy's own config is kept
    assertEquals(1L, ins.get(0).ins().config().getLong(ConfigKeys.LOCAL_EPOCHS, -1));
    assertEquals("fednova", work.name());
    assertTrue(work.provenance().containsKey("local_work"), work.provenance().toString());
    assertThrows(IllegalArgumentException.class,
        () -> new LocalWork(fednova, 0, 1, 32, 1, id -> 1, id -> 1));
  }

  @Test
  void theRoundsMetricsSayTheFewestAndTheMostStepsAClientDid() {
    Strategy fedavg = Strategies.create("fedavg", Map.of(), StrategySettings.defaults());
    LocalWork work = new LocalWork(fedavg, 1.0, 1, 32, 1, id -> 32, id -> 320);

    var r = Fixtures.run(work, 1, Fixtures.filled(Fixtures.LAYOUT, 0), List.of(
        Fixtures.entry("c0", Fixtures.res(Fixtures.filled(Fixtures.LAYOUT, 1), 10, 0.5, 9)),
        Fixtures.entry("c1", Fixtures.res(Fixtures.filled(Fixtures.LAYOUT, 3), 10, 0.5, 3))));

    assertEquals(3.0, r.metrics().get(LocalWork.STEPS_MIN));
    assertEquals(9.0, r.metrics().get(LocalWork.STEPS_MAX));
    assertEquals(2.0f, Fixtures.model(r)[0], 1e-6f);
  }

  @Test
  void aroundFedAvg_encodedResultsAreFoldedFromTheirBytes_andStillCountTheirSteps() {
    Strategy fedavg = Strategies.create("fedavg", Map.of(), StrategySettings.defaults());
    LocalWork work = new LocalWork(fedavg, 1.0, 1, 32, 1, id -> 32, id -> 320);
    FitAggregation agg = work.startAggregation(1, Fixtures.filled(Fixtures.LAYOUT, 0));
    Float32Codec f32 = new Float32Codec();
    for (int k = 0; k < 2; k++) {
      Parameters p = Fixtures.filled(Fixtures.LAYOUT, 1 + 2 * k);
      agg.acceptEncoded("c" + k, new EncodedFitRes(p.layout(),
          Float32Bytes.checked(f32.encode(p), null), 10, Map.of(FitRes.NUM_STEPS, 9.0 - 6 * k)));
    }

    var r = agg.finish(List.of());

    assertTrue(agg.foldsEncoded());
    assertEquals(3.0, r.metrics().get(LocalWork.STEPS_MIN));
    assertEquals(9.0, r.metrics().get(LocalWork.STEPS_MAX));
    assertEquals(2.0f, Fixtures.model(r)[0], 1e-6f);
  }
}

package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.ids;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitIns;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalOnlyTest {

  // sampling settings that LocalOnly must ignore: 10% of clients, no client evaluation
  private final LocalOnly s =
      new LocalOnly(new StrategySettings(0.1, 1, 3, StrategySettings.defaultFitConfig(), 0));

  @Test
  void everyClientTrains_keepingItsWholeModel() {
    List<ClientInstruction<FitIns>> ins = s.configureFit(1, filled(LAYOUT, 0), clients(10));

    assertEquals(ids(ins), List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"));
    assertEquals(".*", ins.get(0).ins().config().getString(ConfigKeys.LOCAL_LAYERS, ""));
  }

  @Test
  void everyClientEvaluatesItsPersonalModel() {
    List<ClientInstruction<EvaluateIns>> ins =
        s.configureEvaluate(1, filled(LAYOUT, 0), clients(10));

    assertEquals(10, ins.size());
    assertTrue(ins.get(9).ins().config().getBoolean(ConfigKeys.PERSONAL, false));
  }

  @Test
  void noGlobalModel_butTrainLossIsReported() {
    AggregateResult r =
        Fixtures.run(
            s,
            1,
            filled(LAYOUT, 0),
            List.of(entry("a", res(filled(LAYOUT, 1), 1, 0.4, 10))));

    assertFalse(r.parameters().isPresent());
    assertEquals(0.4, r.metrics().get(FedAvg.TRAIN_LOSS));
  }
}

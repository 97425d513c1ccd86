package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FedPavNtdTest {

  private final StrategySettings settings = StrategySettings.defaults().withFractionEvaluate(1);

  @Test
  void averagesTheBodyKeepsTheHead_andTellsClientsToDistil() {
    FedPavNtd s = new FedPavNtd(settings, FedPav.DEFAULT_LOCAL_LAYERS, 2.0, 0.5);
    float[] global = {0, 0, 0, 0, 0, 0, 7, 8};

    float[] w = model(Fixtures.run(s, 1, params(global), List.of(
        entry("a", res(params(1, 1, 1, 1, 1, 1, 100, 100), 1)),
        entry("b", res(params(3, 3, 3, 3, 3, 3, -100, -100), 1)))));
    Config fit = s.configureFit(1, filled(LAYOUT, 0), clients(2)).get(0).ins().config();
    Config eval = s.configureEvaluate(1, filled(LAYOUT, 0), clients(2)).get(0).ins().config();

    assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2, 7, 8}, w);
    assertEquals("head\\..*", fit.getString(ConfigKeys.LOCAL_LAYERS, ""));
    assertEquals("fedntd", fit.getString(ConfigKeys.OBJECTIVE, ""));
    assertEquals(2.0, fit.getDouble(ConfigKeys.NTD_TAU, -1));
    assertEquals(0.5, fit.getDouble(ConfigKeys.NTD_BETA, -1));
    assertTrue(eval.getBoolean(ConfigKeys.PERSONAL, false));
    assertEquals("fedpav-ntd", s.provenance().get("strategy"));
    assertEquals(2.0, s.provenance().get("tau"));
    assertEquals("head\\..*", s.provenance().get("local_layers"));
  }

  @Test
  void optionsAreChecked_byName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Strategies.create("fedpav-ntd", Map.of("tau", "0"), settings));
    assertTrue(e.getMessage().startsWith("fedpav-ntd: option 'tau'"), e.getMessage());
    assertEquals(1.0, Strategies.create("fedpav-ntd", Map.of(), settings).provenance().get("beta"));
  }
}

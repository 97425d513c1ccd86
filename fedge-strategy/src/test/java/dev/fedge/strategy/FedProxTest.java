package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.FitRes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FedProxTest {

  @Test
  void configureFit_tellsClientsTheProximalTerm() {
    FedProx s = new FedProx(StrategySettings.defaults(), 0.1);

    Config c = s.configureFit(1, filled(LAYOUT, 0), clients(3)).get(0).ins().config();

    assertEquals("fedprox", c.getString(ConfigKeys.OBJECTIVE, ""));
    assertEquals(0.1, c.getDouble(ConfigKeys.PROXIMAL_MU, -1));
    assertEquals(0.01, c.getDouble(ConfigKeys.LR, -1));
  }

  @Test
  void aggregation_isFedAvg() {
    List<Map.Entry<String, FitRes>> rs =
        List.of(entry("a", res(filled(LAYOUT, 1), 1)), entry("b", res(filled(LAYOUT, 5), 3)));

    assertEquals(
        Fixtures.run(new FedAvg(StrategySettings.defaults()), 1, filled(LAYOUT, 0), rs).parameters(),
        Fixtures.run(new FedProx(StrategySettings.defaults(), 0.1), 1, filled(LAYOUT, 0), rs)
            .parameters());
  }

  @Test
  void rejectsNegativeMu() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new FedProx(StrategySettings.defaults(), -1));
    assertEquals("fedprox: option 'mu' must be >= 0.0, got -1.0", e.getMessage());
  }
}

package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import org.junit.jupiter.api.Test;

class FedNtdTest {

  @Test
  void configureFit_tellsClientsTheDistillationSettings() {
    FedNtd s = new FedNtd(StrategySettings.defaults(), 2.0, 0.5);

    Config c = s.configureFit(1, filled(LAYOUT, 0), clients(2)).get(1).ins().config();

    assertEquals("fedntd", c.getString(ConfigKeys.OBJECTIVE, ""));
    assertEquals(2.0, c.getDouble(ConfigKeys.NTD_TAU, -1));
    assertEquals(0.5, c.getDouble(ConfigKeys.NTD_BETA, -1));
  }

  @Test
  void rejectsZeroTemperature() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new FedNtd(StrategySettings.defaults(), 0, 1));
    assertEquals("fedntd: option 'tau' must be > 0, got 0.0", e.getMessage());
  }
}

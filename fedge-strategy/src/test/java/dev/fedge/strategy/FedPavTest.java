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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedPavTest {

  private final StrategySettings settings = StrategySettings.defaults().withFractionEvaluate(1);

  @Test
  void averagesTheBody_keepsTheGlobalHead() {
    FedPav s = new FedPav(settings, FedPav.DEFAULT_LOCAL_LAYERS);
    // body.w: 6 values, head.b: 2 values
    float[] global = {0, 0, 0, 0, 0, 0, 7, 8};

    float[] w =
        model(
            Fixtures.run(
                s,
                1,
                params(global),
                List.of(
                    entry("a", res(params(1, 1, 1, 1, 1, 1, 100, 100), 1)),
                    entry("b", res(params(3, 3, 3, 3, 3, 3, -100, -100), 1)))));

    assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2, 7, 8}, w);
  }

  @Test
  void configs_tellClientsWhatIsLocal_andToEvaluatePersonally() {
    FedPav s = new FedPav(settings, "body\\..*");

    Config fit = s.configureFit(1, filled(LAYOUT, 0), clients(2)).get(0).ins().config();
    Config eval = s.configureEvaluate(1, filled(LAYOUT, 0), clients(2)).get(0).ins().config();

    assertEquals("body\\..*", fit.getString(ConfigKeys.LOCAL_LAYERS, ""));
    assertFalse(fit.has(ConfigKeys.PERSONAL));
    assertTrue(eval.getBoolean(ConfigKeys.PERSONAL, false));
    assertTrue(s.isLocal("body.w"));
    assertFalse(s.isLocal("head.b"));
  }

  @Test
  void rejectsABadExpression() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new FedPav(settings, "head.(*"));
    assertTrue(
        e.getMessage().startsWith("fedpav: option 'local_layers' is not a valid regular expression: 'head.(*'"),
        e.getMessage());
  }
}

package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.clients;
import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.ConfigKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedAdamTest {

  private static FedAdam flowerDefaults(double etaL) {
    return new FedAdam(StrategySettings.defaults(), 0.1, etaL, 0.9, 0.99, 1e-9);
  }

  @Test
  void twoRounds_keepTheMomentsBetweenRounds() {
    FedAdam s = flowerDefaults(Double.NaN);
    // Δ = 1 each round: w1 = 0.1, w2 = w1 + 0.1 · 0.19 / sqrt(0.0199) = 0.2346874
    float[] w1 = model(Fixtures.run(s, 1, params(0), List.of(entry("a", res(params(1), 4)))));
    float[] w2 =
        model(Fixtures.run(s, 2, params(w1), List.of(entry("a", res(params(w1[0] + 1), 4)))));

    assertEquals(0.1f, w1[0], 1e-6f);
    assertEquals(0.2346874f, w2[0], 1e-6f);
  }

  @Test
  void state_isTheMoments_andARestoredOneContinuesThem() {
    FedAdam s = flowerDefaults(Double.NaN);
    float[] w1 = model(Fixtures.run(s, 1, params(0), List.of(entry("a", res(params(1), 4)))));
    java.util.Map<String, float[]> state = s.state();
    // after Δ = 1: m = 0.1, v = 0.01
    assertEquals(java.util.Set.of("m", "v"), state.keySet());
    assertEquals(0.1f, state.get("m")[0], 1e-7f);
    assertEquals(0.01f, state.get("v")[0], 1e-7f);

    FedAdam resumed = flowerDefaults(Double.NaN);
    resumed.restoreState(state);
    float[] w2 =
        model(
            Fixtures.run(resumed, 2, params(w1), List.of(entry("a", res(params(w1[0] + 1), 4)))));
    assertEquals(0.2346874f, w2[0], 1e-6f);
  }

  @Test
  void restoreState_rejectsMissingUnknownNonFiniteAndMisfitBuffers() {
    FedAdam s = flowerDefaults(Double.NaN);
    float[] one = {0.5f};
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> s.restoreState(java.util.Map.of("m", one)));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.restoreState(java.util.Map.of("m", one, "v", one, "w", one)));
    IllegalArgumentException nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.restoreState(java.util.Map.of("m", one, "v", new float[] {Float.NaN})));
    IllegalArgumentException lengths =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.restoreState(java.util.Map.of("m", one, "v", new float[2])));

    assertEquals("fedadam: state buffer 'v' is missing", missing.getMessage());
    assertEquals("fedadam: unknown state buffer 'w'; expected [m, v]", unknown.getMessage());
    assertEquals("fedadam: state buffer 'v' has a non-finite value at 0", nan.getMessage());
    assertEquals("fedadam: state buffers differ in length (1 and 2)", lengths.getMessage());

    s.restoreState(java.util.Map.of("m", new float[3], "v", new float[3]));
    IllegalStateException misfit =
        assertThrows(
            IllegalStateException.class,
            () -> Fixtures.run(s, 1, params(0), List.of(entry("a", res(params(1), 4)))));
    assertEquals(
        "fedadam: the restored state has 3 values per buffer, but the model has 1 parameters",
        misfit.getMessage());
  }

  @Test
  void etaL_isSentAsLr_onlyWhenGiven() {
    double sent =
        flowerDefaults(0.05)
            .configureFit(1, filled(LAYOUT, 0), clients(1))
            .get(0)
            .ins()
            .config()
            .getDouble(ConfigKeys.LR, -1);
    double kept =
        flowerDefaults(Double.NaN)
            .configureFit(1, filled(LAYOUT, 0), clients(1))
            .get(0)
            .ins()
            .config()
            .getDouble(ConfigKeys.LR, -1);

    assertEquals(0.05, sent);
    assertEquals(0.01, kept);
  }

  @Test
  void rejectsBeta2OfOne() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FedAdam(StrategySettings.defaults(), 0.1, Double.NaN, 0.9, 1.0, 1e-9));
    assertEquals("fedadam: option 'beta_2' must be in [0.0, 1.0), got 1.0", e.getMessage());
  }
}

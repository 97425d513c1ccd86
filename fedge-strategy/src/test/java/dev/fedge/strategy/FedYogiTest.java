package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedYogiTest {

  @Test
  void twoRounds_byHand() {
    FedYogi s = new FedYogi(StrategySettings.defaults(), 0.01, Double.NaN, 0.9, 0.99, 1e-3);
    // Δ = 1 each round: w1 = 0.01 · 0.1 / 0.101; v = 0.02; w2 = w1 + 0.01 · 0.19 / (√0.02 + 0.001)
    float[] w1 = model(Fixtures.run(s, 1, params(0), List.of(entry("a", res(params(1), 2)))));
    float[] w2 =
        model(Fixtures.run(s, 2, params(w1), List.of(entry("a", res(params(w1[0] + 1), 2)))));

    assertEquals(0.00990099f, w1[0], 1e-6f);
    assertEquals(0.02324169f, w2[0], 1e-6f);
  }

  @Test
  void rejectsNonPositiveTau() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FedYogi(StrategySettings.defaults(), 0.01, Double.NaN, 0.9, 0.99, 0));
    assertEquals("fedyogi: option 'tau' must be > 0, got 0.0", e.getMessage());
  }
}

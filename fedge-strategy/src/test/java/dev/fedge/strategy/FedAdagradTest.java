package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAdagradTest {

  @Test
  void twoRounds_accumulateSquares() {
    FedAdagrad s = new FedAdagrad(StrategySettings.defaults(), 0.1, Double.NaN, 1e-9);
    // Δ = 2: v = 4, w1 = 0.1; Δ = 1: v = 5, w2 = 0.1 + 0.1 / √5
    float[] w1 = model(Fixtures.run(s, 1, params(0), List.of(entry("a", res(params(2), 1)))));
    float[] w2 =
        model(Fixtures.run(s, 2, params(w1), List.of(entry("a", res(params(w1[0] + 1), 1)))));

    assertEquals(0.1f, w1[0], 1e-6f);
    assertEquals(0.14472136f, w2[0], 1e-6f);
  }

  @Test
  void provenance_hasNoMomentParameters() {
    FedAdagrad s = new FedAdagrad(StrategySettings.defaults(), 0.1, Double.NaN, 1e-9);

    assertEquals(0.1, s.provenance().get("eta"));
    assertFalse(s.provenance().containsKey("beta_1"));
  }
}

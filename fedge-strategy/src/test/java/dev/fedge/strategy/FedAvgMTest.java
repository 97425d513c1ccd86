package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgMTest {

  @Test
  void twoRounds_momentumByHand() {
    FedAvgM s = new FedAvgM(StrategySettings.defaults(), 1.0, 0.9);
    // round 1: avg of 0 and 1 (one example each) = 0.5; g = 1 - 0.5; v = 0.5; w = 0.5
    float[] w1 =
        model(
            Fixtures.run(
                s,
                1,
                params(1),
                List.of(entry("a", res(params(0), 1)), entry("b", res(params(1), 1)))));
    // round 2: avg 0.25; g = 0.5 - 0.25 = 0.25; v = 0.9·0.5 + 0.25 = 0.7; w = 0.5 - 0.7 = -0.2
    float[] w2 = model(Fixtures.run(s, 2, params(w1), List.of(entry("a", res(params(0.25f), 3)))));

    assertArrayEquals(new float[] {0.5f}, w1);
    assertArrayEquals(new float[] {-0.2f}, w2, 1e-6f);
  }

  @Test
  void serverLearningRateScalesTheStep() {
    FedAvgM s = new FedAvgM(StrategySettings.defaults(), 0.5, 0.0);

    float[] w = model(Fixtures.run(s, 1, params(1), List.of(entry("a", res(params(0), 1)))));

    // g = 1, w = 1 - 0.5·1
    assertArrayEquals(new float[] {0.5f}, w);
  }

  @Test
  void rejectsMomentumOfOne() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FedAvgM(StrategySettings.defaults(), 1.0, 1.0));
    assertEquals(
        "fedavgm: option 'server_momentum' must be in [0.0, 1.0), got 1.0", e.getMessage());
  }
}

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

class FedTrimmedAvgTest {

  @Test
  void dropsTheExtremes() {
    FedTrimmedAvg s = new FedTrimmedAvg(StrategySettings.defaults(), 0.2);

    // five clients, cut floor(0.2 · 5) = 1 from each end: mean(2, 3, 4) = 3
    float[] w =
        model(
            Fixtures.run(
                s,
                1,
                params(0),
                List.of(
                    entry("a", res(params(-500), 1)),
                    entry("b", res(params(2), 1)),
                    entry("c", res(params(3), 1)),
                    entry("d", res(params(4), 1)),
                    entry("e", res(params(900), 1)))));

    assertArrayEquals(new float[] {3}, w);
  }

  @Test
  void rejectsBetaOfHalf() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FedTrimmedAvg(StrategySettings.defaults(), 0.5));
    assertEquals("fedtrimmedavg: option 'beta' must be in [0.0, 0.5), got 0.5", e.getMessage());
  }
}

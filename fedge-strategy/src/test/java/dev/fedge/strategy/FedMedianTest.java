package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedMedianTest {

  @Test
  void medianIgnoresAnOutlierAndTheWeights() {
    FedMedian s = new FedMedian(StrategySettings.defaults());

    float[] w =
        model(
            Fixtures.run(
                s,
                1,
                params(0),
                List.of(
                    entry("a", res(params(1), 1)),
                    entry("b", res(params(2), 1)),
                    entry("evil", res(params(1e6f), 1000)))));

    assertArrayEquals(new float[] {2}, w);
  }
}

package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.FitRes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KrumTest {

  // 1-D points 0, 1, 2, 10; scores 5, 2, 5, 145 (see AggregationsTest)
  private static final List<Map.Entry<String, FitRes>> POINTS =
      List.of(
          entry("a", res(params(0), 1)),
          entry("b", res(params(1), 1)),
          entry("c", res(params(2), 3)),
          entry("d", res(params(10), 1)));

  private static StrategySettings minClients(int n) {
    return StrategySettings.defaults().withSampling(1.0, n);
  }

  @Test
  void krum_keepsTheMostCentralUpdate() {
    AggregateResult r = Fixtures.run(new Krum(minClients(4), 0, 1), 1, params(0), POINTS);

    assertArrayEquals(new float[] {1}, model(r));
    assertEquals(1.0, r.metrics().get(Krum.KRUM_SELECTED));
  }

  @Test
  void multiKrum_averagesTheBestByExamples() {
    // best three: b (1 example), a (1), c (3): (1 + 0 + 6) / 5 = 1.4
    AggregateResult r = Fixtures.run(new Krum(minClients(4), 0, 3), 1, params(0), POINTS);

    assertArrayEquals(new float[] {1.4f}, model(r), 1e-6f);
  }

  @Test
  void tooFewResults_keepsTheGlobalModel() {
    // f = 1 needs more than 4 results; the round got 4
    AggregateResult r = Fixtures.run(new Krum(minClients(5), 1, 1), 1, params(0), POINTS);

    assertFalse(r.parameters().isPresent());
    assertEquals(1.0, r.metrics().get(Krum.KRUM_SKIPPED));
  }

  @Test
  void rejectsFThatMinClientsCannotSatisfy() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Krum(minClients(4), 1, 1));
    assertEquals(
        "krum: option 'f' = 1 needs more than 2f + 2 = 4 clients per round, but min clients is 4",
        e.getMessage());
  }

  @Test
  void rejectsMAboveMinClientsMinusF() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Krum(minClients(5), 1, 5));
    assertEquals("krum: option 'm' must be in [1, min clients - f = 4], got 5", e.getMessage());
  }
}

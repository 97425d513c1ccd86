package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fedge.api.EvaluateRes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default combination of clients' evaluations (Strategy.aggregateEvaluate). */
class AggregateEvaluateTest {

  private final FedAvg s = new FedAvg(StrategySettings.defaults());

  @Test
  void accuracyOnly_asBefore() {
    EvaluateRes r = s.aggregateEvaluate(1, List.of(
        Map.entry("a", new EvaluateRes(1.0, 10, Map.of("accuracy", 0.5))),
        Map.entry("b", new EvaluateRes(2.0, 30, Map.of("accuracy", 0.9)))), List.of()).get();

    assertEquals(Map.of("accuracy", (0.5 * 10 + 0.9 * 30) / 40), r.metrics());
    assertEquals(1.75, r.loss(), 1e-12);
  }

  @Test
  void retrievalMetrics_weightedByQueries_noAccuracyMadeUp() {
    EvaluateRes r = s.aggregateEvaluate(1, List.of(
        Map.entry("a", new EvaluateRes(Double.NaN, 100, Map.of("rank1", 0.6, "mAP", 0.2))),
        Map.entry("b", new EvaluateRes(Double.NaN, 300, Map.of("rank1", 0.8, "mAP", 0.4,
            "only_b", 1.0))),
        Map.entry("empty", new EvaluateRes(0, 0, Map.of()))), List.of()).get();

    assertEquals(0.75, r.metrics().get("rank1"), 1e-12);
    assertEquals(0.35, r.metrics().get("mAP"), 1e-12);
    assertFalse(r.metrics().containsKey("only_b"), "a metric one client lacks is not averaged");
    assertFalse(r.metrics().containsKey("accuracy"));
    assertEquals(400, r.numExamples());
  }
}

package dev.fedge.api;

import java.util.Map;
import java.util.Optional;

/**
 * What a round's aggregation produced.
 *
 * @param parameters the new global model, or empty to keep the old one
 * @param metrics aggregated metrics, e.g. the example-weighted train loss
 */
public record AggregateResult(Optional<Parameters> parameters, Map<String, Double> metrics) {

  /** Copies the metrics. */
  public AggregateResult {
    metrics = Map.copyOf(metrics);
  }

  /** A round that produced no new model. */
  public static AggregateResult none() {
    return new AggregateResult(Optional.empty(), Map.of());
  }
}

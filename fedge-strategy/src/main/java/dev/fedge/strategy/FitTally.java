package dev.fedge.strategy;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.FitRes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics every aggregation of fit results reports, counted as results are folded in:
 * {@value FedAvg#NUM_RESULTS}, {@value FedAvg#NUM_FAILURES}, and once there is a result {@value
 * FedAvg#NUM_EXAMPLES} and {@value FedAvg#TRAIN_LOSS} (the example-weighted mean of the clients'
 * {@link FitRes#LOSS}, when any reported one).
 */
final class FitTally {
  private int results;
  private long examples;
  private double lossSum;
  private double lossWeight;

  /** Counts one folded result. */
  void add(FitRes result) {
    add(result.numExamples(), result.metric(FitRes.LOSS, Double.NaN));
  }

  /** Counts one folded result given by its example count and loss (NaN when it has none). */
  void add(int numExamples, double loss) {
    results++;
    examples += numExamples;
    if (Double.isFinite(loss)) {
      lossSum += loss * numExamples;
      lossWeight += numExamples;
    }
  }

  /** Results counted so far. */
  int results() {
    return results;
  }

  /**
   * The metrics, in a map the caller may add to.
   *
   * @param failures clients that did not deliver, or null for none
   * @return the counts, and the examples and training loss when there was a result
   */
  Map<String, Double> metrics(List<ClientFailure> failures) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(FedAvg.NUM_RESULTS, (double) results);
    m.put(FedAvg.NUM_FAILURES, failures == null ? 0.0 : failures.size());
    if (results > 0) {
      m.put(FedAvg.NUM_EXAMPLES, (double) examples);
      if (lossWeight > 0) {
        m.put(FedAvg.TRAIN_LOSS, lossSum / lossWeight);
      }
    }
    return m;
  }
}

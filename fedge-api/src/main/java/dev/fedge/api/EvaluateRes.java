package dev.fedge.api;

import java.util.Map;

/**
 * The result of evaluating a model on a data set.
 *
 * @param loss mean loss per example
 * @param numExamples number of examples evaluated
 * @param metrics further numbers, e.g. {@link #ACCURACY} as a fraction in [0, 1]
 */
public record EvaluateRes(double loss, int numExamples, Map<String, Double> metrics) {

  /** Fraction of correctly classified examples, in [0, 1]. */
  public static final String ACCURACY = "accuracy";

  /** Validates and copies. */
  public EvaluateRes {
    if (numExamples < 0) {
      throw new IllegalArgumentException("EvaluateRes: numExamples must be >= 0, got " + numExamples);
    }
    metrics = Map.copyOf(metrics);
  }

  /** The accuracy metric, or NaN when absent. */
  public double accuracy() {
    return metrics.getOrDefault(ACCURACY, Double.NaN);
  }
}

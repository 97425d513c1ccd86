package dev.fedge.api;

import java.util.Map;

/**
 * A client's fit result whose values are still in the form they arrived in (see {@link
 * FoldableValues}), for an aggregation that folds them without a decoded {@code float[]} per
 * result ({@link FitAggregation#foldsEncoded}). Its values were checked finite by its maker; the
 * layout, example count and metrics are checked by the aggregation as for a {@link FitRes}.
 *
 * @param layout the layout the client says its values have
 * @param values the values (the trained model, not a difference)
 * @param numExamples number of training examples used, the weight in FedAvg
 * @param metrics numeric results, as {@link FitRes#metrics}
 */
public record EncodedFitRes(
    ParameterLayout layout, FoldableValues values, int numExamples, Map<String, Double> metrics) {

  /** Validates and copies the metrics. */
  public EncodedFitRes {
    if (layout == null) {
      throw new IllegalArgumentException("EncodedFitRes: layout must not be null");
    }
    if (values == null) {
      throw new IllegalArgumentException("EncodedFitRes: values must not be null");
    }
    if (values.size() != layout.totalSize()) {
      throw new IllegalArgumentException("EncodedFitRes: " + values.size()
          + " values for a layout of " + layout.totalSize());
    }
    if (numExamples < 0) {
      throw new IllegalArgumentException(
          "EncodedFitRes: numExamples must be >= 0, got " + numExamples);
    }
    metrics = Map.copyOf(metrics);
  }

  /**
   * The same result decoded (a new array, marked {@link Parameters#checkedFinite}).
   *
   * @return the result as a {@link FitRes}
   */
  public FitRes decoded() {
    return new FitRes(Parameters.checkedFinite(layout, values.decode()), numExamples, metrics);
  }

  /** A metric, or the default when absent. */
  public double metric(String name, double dflt) {
    return metrics.getOrDefault(name, dflt);
  }
}

package dev.fedge.strategy;

import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.FitRes;
import java.util.Optional;

/**
 * FedAvg's streaming combiner: one {@code double[]} accumulator of P values, {@code acc += n_k ·
 * w_k} per update, scaled by {@code 1 / Σ n_k} at the end. Memory is O(P) (8 bytes per value, 94 MB
 * for ResNet-18's 11.7M) whatever the number of clients. Made with {@code byExamples = false} it
 * weights every update by 1, a plain mean (FedBuff's {@code weighting=equal}).
 *
 * <p>Why double: float32 sums of many updates lose low bits (each add rounds to 24 bits, and a
 * weighted sum of 100 updates can lose 6-7 bits), and Kahan summation in float would need two
 * float arrays, the same 8 bytes per value, and a loop the JIT vectorises less well. A plain double
 * multiply-add is exact to ~1e-16 relative per step and vectorises.
 */
final class WeightedMean implements UpdateCombiner {

  private final int size;
  private final boolean byExamples;
  private double[] acc;
  private double total;

  /** The example-weighted mean of updates of {@code size} values. */
  WeightedMean(int size) {
    this(size, true);
  }

  /**
   * The mean of updates of {@code size} values, weighted by their numbers of examples or by 1.
   *
   * @param size values per update
   * @param byExamples weight each update by its {@code numExamples}; false: by 1
   */
  WeightedMean(int size, boolean byExamples) {
    this.size = size;
    this.byExamples = byExamples;
  }

  @Override
  public void add(String clientId, FitRes result) {
    if (acc == null) {
      acc = new double[size];
    }
    double weight = byExamples ? result.numExamples() : 1;
    Aggregations.fold(acc, result.parameters().values(), weight);
    total += weight;
  }

  /**
   * Adds a result that passed every check straight from its encoded values, with no decoded copy;
   * the sum is bit-identical to {@link #add} of the decoded result.
   *
   * @param result the result
   */
  void add(EncodedFitRes result) {
    if (acc == null) {
      acc = new double[size];
    }
    double weight = byExamples ? result.numExamples() : 1;
    Aggregations.fold(acc, result.values(), weight);
    total += weight;
  }

  @Override
  public Optional<float[]> combine() {
    float[] out = Aggregations.scaled(acc, 1.0 / total);
    acc = null;
    return Optional.of(out);
  }
}

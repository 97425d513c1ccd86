package dev.fedge.strategy;

import dev.fedge.api.FitRes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A combiner that must see every update at once (median, trimmed mean, Krum): it keeps a reference
 * to each update's values until the end of the round, so memory is O(K·P) for K updates of P
 * values, unlike FedAvg's single O(P) accumulator.
 */
abstract class BufferedCombiner implements UpdateCombiner {

  private final List<float[]> values = new ArrayList<>();
  private final List<Integer> examples = new ArrayList<>();

  @Override
  public final void add(String clientId, FitRes result) {
    values.add(result.parameters().values());
    examples.add(result.numExamples());
  }

  @Override
  public final Optional<float[]> combine() {
    double[] n = new double[examples.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = examples.get(i);
    }
    Optional<float[]> out = combine(List.copyOf(values), n);
    values.clear();
    return out;
  }

  /**
   * Combines the buffered updates.
   *
   * @param values every update's values, in arrival order; must not be modified
   * @param examples each update's number of examples
   * @return a new array, or empty when no model can be made from these updates
   */
  abstract Optional<float[]> combine(List<float[]> values, double[] examples);
}

package dev.fedge.strategy;

import dev.fedge.api.FitRes;
import java.util.Map;
import java.util.Optional;

/**
 * How one round's updates become one vector: FedAvg's weighted mean, FedNova's normalised mean, a
 * median, Krum's choice, ... A strategy returns a fresh combiner for every round from {@link
 * FedAvg#combiner}; the round's {@link dev.fedge.api.FitAggregation} validates each result (layout,
 * finite values, example count) before the combiner sees it, and handles metrics and empty rounds.
 *
 * <p>Not thread-safe; called from one thread at a time.
 */
public interface UpdateCombiner {

  /**
   * Checks what only this combiner needs (e.g. FedNova's {@code num_steps}) before anything is
   * added, so that a rejected result leaves the combiner untouched. Does nothing by default.
   *
   * @param clientId the client that produced the result
   * @param result a result that passed the common checks
   * @throws IllegalArgumentException naming the client and the problem
   */
  default void check(String clientId, FitRes result) {}

  /**
   * Adds a result that passed every check.
   *
   * @param clientId the client that produced it
   * @param result the result; its values must not be modified
   */
  void add(String clientId, FitRes result);

  /**
   * Combines what was added; called once, after at least one {@link #add}.
   *
   * @return the combined values, a new array the caller owns; empty when these results cannot give
   *     one (the global model then stays as it was)
   */
  Optional<float[]> combine();

  /**
   * Metrics about the combination (e.g. how many updates Krum kept), read after {@link #combine}.
   *
   * @return metrics; none by default
   */
  default Map<String, Double> metrics() {
    return Map.of();
  }
}

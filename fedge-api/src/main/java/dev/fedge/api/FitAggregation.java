package dev.fedge.api;

import java.util.List;

/**
 * A streaming aggregation of one round's fit results: each result is folded in as it arrives, so
 * a strategy like FedAvg needs O(model size) memory whatever the number of clients.
 *
 * <p>Not thread-safe: the coordinator calls {@link #accept} from one thread at a time.
 */
public interface FitAggregation {

  /**
   * Folds one client's result into the aggregate.
   *
   * @param clientId the client that produced it
   * @param result its result; its layout must match the global model
   * @throws IllegalArgumentException when the result is unusable (wrong layout, NaN values); the
   *     aggregate is left as it was
   */
  void accept(String clientId, FitRes result);

  /** Number of results folded in so far. */
  int count();

  /**
   * Finishes the round.
   *
   * @param failures clients that did not deliver
   * @return the new global model and aggregated metrics; an empty parameters when the round
   *     produced nothing (no results), in which case the global model stays as it was
   */
  AggregateResult finish(List<ClientFailure> failures);
}

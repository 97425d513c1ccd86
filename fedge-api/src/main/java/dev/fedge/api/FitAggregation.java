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

  /**
   * Whether {@link #acceptEncoded} folds a result straight from its encoded values (a weighted
   * mean does), so that the coordinator should ask clients for {@link EncodedFitRes}s. False by
   * default: aggregations that keep or sort the values (median, Krum, ...) take decoded results.
   *
   * @return true when encoded results are folded without a decoded copy
   */
  default boolean foldsEncoded() {
    return false;
  }

  /**
   * Folds one client's result given with its encoded values; by default decodes it and calls
   * {@link #accept}. The same checks as {@link #accept}, and the same refusals.
   *
   * @param clientId the client that produced it
   * @param result its result; its values stay the caller's (not released here)
   * @throws IllegalArgumentException when the result is unusable; the aggregate is left as it was
   */
  default void acceptEncoded(String clientId, EncodedFitRes result) {
    if (result == null) {
      throw new IllegalArgumentException("client '" + clientId + "': result must not be null");
    }
    accept(clientId, result.decoded());
  }

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

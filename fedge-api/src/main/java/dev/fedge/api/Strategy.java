package dev.fedge.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A federated learning algorithm, as Flower's six hooks. The {@code Coordinator} only calls these;
 * it makes no algorithmic decisions of its own.
 *
 * <p>Client-side parts of an algorithm (FedProx's proximal term, FedNTD's distillation) travel to
 * the clients as {@link Config} keys set in {@link #configureFit}.
 */
public interface Strategy {

  /** Short name, e.g. {@code "fedavg"}. */
  String name();

  /**
   * Gives the strategy the model's initial parameters; it may return others (e.g. loaded ones).
   *
   * @param initial freshly initialised model
   * @return the round-0 global model
   */
  default Parameters initializeParameters(Parameters initial) {
    return initial;
  }

  /**
   * Chooses the clients of a round and what each is told.
   *
   * @param round 1-based round number
   * @param global the current global model
   * @param available clients connected now, in a stable order
   * @return one instruction per selected client
   */
  List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available);

  /**
   * Starts the streaming aggregation of a round.
   *
   * @param round 1-based round number
   * @param global the global model the clients started from
   * @return an aggregation that the coordinator feeds results into as they arrive
   */
  FitAggregation startAggregation(int round, Parameters global);

  /**
   * Aggregates a whole round at once, as Flower's {@code aggregate_fit}; a convenience over {@link
   * #startAggregation} that gives the same result.
   */
  default AggregateResult aggregateFit(
      int round, Parameters global, List<Map.Entry<String, FitRes>> results,
      List<ClientFailure> failures) {
    FitAggregation agg = startAggregation(round, global);
    for (Map.Entry<String, FitRes> r : results) {
      agg.accept(r.getKey(), r.getValue());
    }
    return agg.finish(failures);
  }

  /** Chooses the clients that evaluate the global model locally; none by default. */
  default List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    return List.of();
  }

  /**
   * Combines clients' local evaluations, weighted by examples: the loss, the accuracy (absent
   * when no result has one; a result without it counts as 0), and every other metric that all
   * results with examples report (e.g. re-identification's {@code rank1} and {@code mAP}).
   */
  default Optional<EvaluateRes> aggregateEvaluate(
      int round, List<Map.Entry<String, EvaluateRes>> results, List<ClientFailure> failures) {
    if (results.isEmpty()) {
      return Optional.empty();
    }
    double loss = 0;
    double acc = 0;
    int n = 0;
    Map<String, Double> others = null;
    boolean anyAccuracy = false;
    for (Map.Entry<String, EvaluateRes> r : results) {
      EvaluateRes e = r.getValue();
      loss += e.loss() * e.numExamples();
      acc += (Double.isNaN(e.accuracy()) ? 0 : e.accuracy()) * e.numExamples();
      n += e.numExamples();
      anyAccuracy |= e.metrics().containsKey(EvaluateRes.ACCURACY);
      if (e.numExamples() > 0) {
        Map<String, Double> sums = new java.util.TreeMap<>();
        for (Map.Entry<String, Double> m : e.metrics().entrySet()) {
          boolean shared = others == null || others.containsKey(m.getKey());
          if (!m.getKey().equals(EvaluateRes.ACCURACY) && shared) {
            double before = others == null ? 0 : others.get(m.getKey());
            sums.put(m.getKey(), before + m.getValue() * e.numExamples());
          }
        }
        others = sums;
      }
    }
    if (n == 0) {
      return Optional.empty();
    }
    Map<String, Double> metrics = new java.util.TreeMap<>();
    if (anyAccuracy) {
      metrics.put(EvaluateRes.ACCURACY, acc / n);
    }
    if (others != null) {
      for (Map.Entry<String, Double> m : others.entrySet()) {
        metrics.put(m.getKey(), m.getValue() / n);
      }
    }
    return Optional.of(new EvaluateRes(loss / n, n, metrics));
  }

  /**
   * Evaluates the global model centrally; the coordinator uses its own evaluator when this is
   * empty, which is the default.
   */
  default Optional<EvaluateRes> evaluate(int round, Parameters global) {
    return Optional.empty();
  }

  /**
   * What the strategy carries from one round to the next besides the global model (FedAvgM's
   * momentum, FedAdam's moments), as named buffers of one value per model parameter; empty for
   * stateless strategies and before the first update. A server saves it with every round's model
   * and hands it back through {@link #restoreState} when a run resumes, so that a restart does not
   * reset the server-side optimiser.
   *
   * @return the buffers (copies), by name
   */
  default Map<String, float[]> state() {
    return Map.of();
  }

  /**
   * Continues from buffers saved from {@link #state()} after an earlier round.
   *
   * @param state the buffers, by name
   * @throws IllegalArgumentException when a buffer is unknown, missing or malformed, naming it
   */
  default void restoreState(Map<String, float[]> state) {
    if (!state.isEmpty()) {
      throw new IllegalArgumentException(
          name() + ": keeps no state between rounds, but got buffers " + state.keySet());
    }
  }

  /** The strategy's settings, saved with every model as provenance. */
  default Map<String, Object> provenance() {
    return Map.of("strategy", name());
  }
}

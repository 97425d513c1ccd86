package dev.fedge.server.study;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strategy whose clients evaluate only every {@code k} rounds and at the last round; everything
 * else is the wrapped strategy's. The study uses it for local-only, where a client evaluation means
 * every client evaluating its own model.
 */
public final class EvaluateEvery implements Strategy {

  private final Strategy inner;
  private final int every;
  private final int lastRound;

  /**
   * Wraps a strategy.
   *
   * @param inner the strategy
   * @param every evaluate on rounds that are multiples of this (>= 1)
   * @param lastRound and on this round
   */
  public EvaluateEvery(Strategy inner, int every, int lastRound) {
    if (every < 1) {
      throw new IllegalArgumentException("eval-every must be >= 1, got " + every);
    }
    this.inner = inner;
    this.every = every;
    this.lastRound = lastRound;
  }

  /** Whether clients evaluate in a round. */
  public boolean evaluates(int round) {
    return round % every == 0 || round == lastRound;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Parameters initializeParameters(Parameters initial) {
    return inner.initializeParameters(initial);
  }

  @Override
  public Map<String, float[]> state() {
    return inner.state();
  }

  @Override
  public void restoreState(Map<String, float[]> state) {
    inner.restoreState(state);
  }

  @Override
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    return inner.configureFit(round, global, available);
  }

  @Override
  public FitAggregation startAggregation(int round, Parameters global) {
    return inner.startAggregation(round, global);
  }

  @Override
  public AggregateResult aggregateFit(
      int round,
      Parameters global,
      List<Map.Entry<String, FitRes>> results,
      List<ClientFailure> failures) {
    return inner.aggregateFit(round, global, results, failures);
  }

  /** The wrapped strategy's instructions on evaluation rounds, none otherwise. */
  @Override
  public List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    return evaluates(round) ? inner.configureEvaluate(round, global, available) : List.of();
  }

  @Override
  public Optional<EvaluateRes> aggregateEvaluate(
      int round, List<Map.Entry<String, EvaluateRes>> results, List<ClientFailure> failures) {
    return inner.aggregateEvaluate(round, results, failures);
  }

  @Override
  public Optional<EvaluateRes> evaluate(int round, Parameters global) {
    return inner.evaluate(round, global);
  }

  @Override
  public Map<String, Object> provenance() {
    return inner.provenance();
  }
}

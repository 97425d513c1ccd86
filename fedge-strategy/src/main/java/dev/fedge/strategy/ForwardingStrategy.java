package dev.fedge.strategy;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A strategy that hands every call to another one; a wrapper overrides what it changes. {@link
 * #aggregateFit} is left to {@link Strategy}'s default, which streams through {@link
 * #startAggregation}, so a wrapper that changes the aggregation changes both.
 */
public abstract class ForwardingStrategy implements Strategy {

  private final Strategy inner;

  /**
   * @param inner the strategy that does the work
   */
  protected ForwardingStrategy(Strategy inner) {
    this.inner = java.util.Objects.requireNonNull(inner, "inner");
  }

  /** The wrapped strategy. */
  public Strategy inner() {
    return inner;
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
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    return inner.configureFit(round, global, available);
  }

  @Override
  public FitAggregation startAggregation(int round, Parameters global) {
    return inner.startAggregation(round, global);
  }

  @Override
  public List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    return inner.configureEvaluate(round, global, available);
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
  public Map<String, float[]> state() {
    return inner.state();
  }

  @Override
  public void restoreState(Map<String, float[]> state) {
    inner.restoreState(state);
  }

  @Override
  public Map<String, Object> provenance() {
    return inner.provenance();
  }
}

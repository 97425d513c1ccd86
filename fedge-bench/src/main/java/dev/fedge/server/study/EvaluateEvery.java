package dev.fedge.server.study;

import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.strategy.ForwardingStrategy;
import java.util.List;

/**
 * A strategy whose clients evaluate only every {@code k} rounds and at the last round; everything
 * else is the wrapped strategy's. The study uses it for local-only, where a client evaluation means
 * every client evaluating its own model.
 */
public final class EvaluateEvery extends ForwardingStrategy {

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
    super(inner);
    if (every < 1) {
      throw new IllegalArgumentException("eval-every must be >= 1, got " + every);
    }
    this.every = every;
    this.lastRound = lastRound;
  }

  /** Whether clients evaluate in a round. */
  public boolean evaluates(int round) {
    return round % every == 0 || round == lastRound;
  }

  /** The wrapped strategy's instructions on evaluation rounds, none otherwise. */
  @Override
  public List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    return evaluates(round) ? inner().configureEvaluate(round, global, available) : List.of();
  }
}

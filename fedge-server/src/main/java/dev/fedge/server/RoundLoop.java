package dev.fedge.server;

import dev.fedge.api.AsyncStrategy;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.util.Optional;

/**
 * What runs a federation round by round: the synchronous {@link Coordinator}, or the {@link
 * BufferedCoordinator} of an asynchronous strategy (FedBuff), whose rounds are server steps. The
 * simulation and the federation server drive either the same way.
 */
public interface RoundLoop extends AutoCloseable {

  /**
   * Evaluates the initial model centrally (round 0), if there is an evaluator.
   *
   * @param global the initial model
   * @return the evaluation, or empty
   */
  Optional<EvaluateRes> evaluateInitial(Parameters global);

  /**
   * Runs one round (one server step for an asynchronous strategy).
   *
   * @param round 1-based round number
   * @param global the global model at the start of the round: the previous round's result
   * @return what happened; {@code completed} is false when fewer than the minimum results came
   * @throws InterruptedException when the thread is interrupted while waiting for clients
   */
  RoundResult runRound(int round, Parameters global) throws InterruptedException;

  /** Stops every client call still under way. */
  @Override
  void close();

  /**
   * The loop a strategy needs: a {@link BufferedCoordinator} for an {@link AsyncStrategy}, a
   * {@link Coordinator} for every other.
   *
   * @param strategy the algorithm
   * @param settings deadline, minimum results, parallelism
   * @param pool where the available clients come from
   * @param evaluator central evaluation, or null for none
   * @param listener progress callbacks, or {@link RoundListener#NONE}
   * @return the loop; close it when done
   */
  static RoundLoop create(
      Strategy strategy,
      CoordinatorSettings settings,
      ClientPool pool,
      CentralEvaluator evaluator,
      RoundListener listener) {
    return create(strategy, settings, pool, evaluator, listener, null);
  }

  /**
   * The loop a strategy needs, an asynchronous one calling its clients through {@code
   * asyncCalls}.
   *
   * @param strategy the algorithm
   * @param settings deadline, minimum results, parallelism
   * @param pool where the available clients come from
   * @param evaluator central evaluation, or null for none
   * @param listener progress callbacks, or {@link RoundListener#NONE}
   * @param asyncCalls where an {@link AsyncStrategy}'s client calls run (e.g. a {@link
   *     VirtualClock}), or null for {@link CoordinatorSettings#parallelism()} threads; unused
   *     otherwise
   * @return the loop; close it when done
   */
  static RoundLoop create(
      Strategy strategy,
      CoordinatorSettings settings,
      ClientPool pool,
      CentralEvaluator evaluator,
      RoundListener listener,
      ClientCalls asyncCalls) {
    if (strategy instanceof AsyncStrategy async) {
      return new BufferedCoordinator(async, settings, pool, evaluator, listener,
          asyncCalls != null ? asyncCalls : ClientCalls.threads(settings.parallelism()));
    }
    return new Coordinator(strategy, settings, pool, evaluator, listener);
  }
}

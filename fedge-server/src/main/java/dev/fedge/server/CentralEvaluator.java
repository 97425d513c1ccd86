package dev.fedge.server;

import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Parameters;

/** Evaluates a global model on data the server holds (a central test set). */
@FunctionalInterface
public interface CentralEvaluator {

  /**
   * Evaluates the global model of a round.
   *
   * @param round the round that produced it (0 for the initial model)
   * @param global the model
   * @return loss, examples and accuracy
   */
  EvaluateRes evaluate(int round, Parameters global);
}

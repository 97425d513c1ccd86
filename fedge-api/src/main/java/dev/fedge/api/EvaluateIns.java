package dev.fedge.api;

/**
 * Instructions for evaluating a model on a client's (or the server's) data.
 *
 * @param parameters the model to evaluate
 * @param config settings, e.g. batch size
 */
public record EvaluateIns(Parameters parameters, Config config) {

  /** Validates that neither part is null. */
  public EvaluateIns {
    if (parameters == null) {
      throw new IllegalArgumentException("EvaluateIns: parameters must not be null");
    }
    if (config == null) {
      throw new IllegalArgumentException("EvaluateIns: config must not be null");
    }
  }
}

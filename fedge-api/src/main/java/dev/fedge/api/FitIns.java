package dev.fedge.api;

/**
 * Instructions for one client's local training: the global model and the run's settings.
 *
 * @param parameters the global model to start from
 * @param config settings for the client's trainer (epochs, batch size, lr, objective, ...)
 */
public record FitIns(Parameters parameters, Config config) {

  /** Validates that neither part is null. */
  public FitIns {
    if (parameters == null) {
      throw new IllegalArgumentException("FitIns: parameters must not be null");
    }
    if (config == null) {
      throw new IllegalArgumentException("FitIns: config must not be null");
    }
  }
}

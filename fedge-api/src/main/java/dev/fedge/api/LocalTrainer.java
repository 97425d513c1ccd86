package dev.fedge.api;

/**
 * Trains and evaluates a model on data held locally (a device's own images, or one simulated
 * client's partition). Implementations live in {@code fedge-ml}; this interface keeps the rest of
 * the system free of any ML engine.
 */
public interface LocalTrainer {

  /** Layout of the parameters this trainer accepts and returns. */
  ParameterLayout layout();

  /**
   * Trains from the given parameters on the local training data.
   *
   * @param ins start parameters and settings ({@code local_epochs}, {@code batch_size}, {@code
   *     lr}, {@code momentum}, {@code weight_decay}, objective keys)
   * @return trained parameters, number of examples, {@code loss} and {@code num_steps}
   */
  FitRes fit(FitIns ins);

  /**
   * Evaluates the given parameters on the local test data.
   *
   * @param ins parameters and settings
   * @return loss, examples and {@code accuracy}
   */
  EvaluateRes evaluate(EvaluateIns ins);
}

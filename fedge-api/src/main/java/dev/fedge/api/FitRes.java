package dev.fedge.api;

import java.util.Map;

/**
 * The result of one client's local training.
 *
 * @param parameters the locally trained model (not a difference)
 * @param numExamples number of training examples used, the weight in FedAvg
 * @param metrics numeric results, e.g. {@link #LOSS} and {@link #NUM_STEPS}
 */
public record FitRes(Parameters parameters, int numExamples, Map<String, Double> metrics) {

  /** Mean training loss over the local epochs. */
  public static final String LOSS = "loss";

  /** Number of local optimizer steps taken (used by FedNova). */
  public static final String NUM_STEPS = "num_steps";

  /**
   * Seconds the timed local steps took (wall clock on the device), for its measured speed. The
   * timed steps are {@link #TRAIN_STEPS}: fedge's trainer leaves out a task's first step (the
   * engine's warm-up and the task's set-up) when there are two or more.
   */
  public static final String TRAIN_SECONDS = "train_seconds";

  /** Training images of the timed steps (their batches, all epochs). */
  public static final String TRAIN_IMAGES = "train_images";

  /** How many steps {@link #TRAIN_SECONDS} timed; when absent, {@link #NUM_STEPS}. */
  public static final String TRAIN_STEPS = "train_steps";

  /** Validates and copies. */
  public FitRes {
    if (parameters == null) {
      throw new IllegalArgumentException("FitRes: parameters must not be null");
    }
    if (numExamples < 0) {
      throw new IllegalArgumentException("FitRes: numExamples must be >= 0, got " + numExamples);
    }
    metrics = Map.copyOf(metrics);
  }

  /** A metric, or the default when absent. */
  public double metric(String name, double dflt) {
    return metrics.getOrDefault(name, dflt);
  }
}

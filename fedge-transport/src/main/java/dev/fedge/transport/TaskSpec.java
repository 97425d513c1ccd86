package dev.fedge.transport;

import dev.fedge.api.Config;
import dev.fedge.api.ParameterLayout;

/**
 * One task for one client, as it travels on the wire.
 *
 * @param taskId unique id; the result must name it
 * @param kind fit or evaluate
 * @param round 1-based round number
 * @param runId the run the task belongs to
 * @param config settings for the client's trainer
 * @param model the global model to download and start from
 * @param layout the model's layout
 * @param codec name of the codec for the upload, e.g. {@code float32}
 * @param delta whether to upload {@code trained - global} instead of the trained model
 */
public record TaskSpec(
    String taskId,
    Kind kind,
    int round,
    String runId,
    Config config,
    ModelRef model,
    ParameterLayout layout,
    String codec,
    boolean delta) {

  /** What the client is asked to do. */
  public enum Kind {
    /** Train locally and upload the result. */
    FIT,
    /** Evaluate the model locally and report loss and accuracy. */
    EVALUATE
  }

  /** Validates. */
  public TaskSpec {
    if (taskId == null || taskId.isBlank()) {
      throw new IllegalArgumentException("task: taskId must not be blank");
    }
    if (kind == null || config == null || model == null || layout == null) {
      throw new IllegalArgumentException(
          "task " + taskId + ": kind, config, model and layout must not be null");
    }
    if (codec == null || codec.isBlank()) {
      throw new IllegalArgumentException("task " + taskId + ": codec must not be blank");
    }
    runId = runId == null ? "" : runId;
  }
}

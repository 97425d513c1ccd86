package dev.fedge.web.view;

import dev.fedge.api.ClientFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One finished round of a run.
 *
 * @param runId the run
 * @param round 1-based round number
 * @param accuracy test accuracy of the new global model in [0, 1], NaN when not measured
 * @param loss test loss of the new global model, NaN when not measured
 * @param metrics further numbers (e.g. {@code train_loss}, {@code client_accuracy})
 * @param participants clients whose results were aggregated
 * @param failures clients that failed, with the reason
 * @param seconds wall time of the round, NaN when unknown
 * @param finished when the round was recorded, or null when unknown
 */
public record RoundInfo(
    String runId,
    int round,
    double accuracy,
    double loss,
    Map<String, Double> metrics,
    List<String> participants,
    List<ClientFailure> failures,
    double seconds,
    Instant finished) {

  /** Validates and copies. */
  public RoundInfo {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("round: runId must not be blank, got '" + runId + "'");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round of run '" + runId + "' must be >= 0, got " + round);
    }
    metrics = Map.copyOf(metrics);
    participants = List.copyOf(participants);
    failures = List.copyOf(failures);
  }
}

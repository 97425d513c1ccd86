package dev.fedge.server;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Parameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one round did.
 *
 * @param round 1-based round number
 * @param completed whether enough results arrived for the round to count; when false the global
 *     model is unchanged and the round should be run again
 * @param global the global model after the round (the old one when nothing was aggregated)
 * @param metrics aggregated fit metrics from the strategy (e.g. {@code train_loss})
 * @param central central evaluation of the new global model, if any
 * @param clientEval clients' aggregated local evaluation, if any
 * @param participants ids of clients whose results were aggregated
 * @param failures clients that failed, timed out, or sent an unusable result
 * @param duration wall time of the round
 */
public record RoundResult(
    int round,
    boolean completed,
    Parameters global,
    Map<String, Double> metrics,
    Optional<EvaluateRes> central,
    Optional<EvaluateRes> clientEval,
    List<String> participants,
    List<ClientFailure> failures,
    Duration duration) {

  /** Copies the collections. */
  public RoundResult {
    metrics = Map.copyOf(metrics);
    participants = List.copyOf(participants);
    failures = List.copyOf(failures);
  }

  /**
   * The accuracy to report for this round: central evaluation when there is one, otherwise the
   * clients' aggregated evaluation; NaN when neither.
   */
  public double accuracy() {
    return central.or(() -> clientEval).map(EvaluateRes::accuracy).orElse(Double.NaN);
  }

  /** The loss to report, chosen like {@link #accuracy()}. */
  public double loss() {
    return central.or(() -> clientEval).map(EvaluateRes::loss).orElse(Double.NaN);
  }
}

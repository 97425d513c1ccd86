package dev.fedge.server.state;

/**
 * One client's part in a completed round.
 *
 * @param runId the run
 * @param round the round
 * @param clientId the client
 * @param outcome {@code ok} or {@code failed}
 * @param numExamples training examples (ok only, else 0)
 * @param reason why it failed (failed only, else null)
 */
public record ParticipantRecord(
    String runId, int round, String clientId, String outcome, int numExamples, String reason) {

  /** Outcome of a client whose result was aggregated. */
  public static final String OK = "ok";

  /** Outcome of a client that failed, was late, or sent an unusable result. */
  public static final String FAILED = "failed";
}

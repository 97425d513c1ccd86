package dev.fedge.server.state;

/**
 * A run as stored.
 *
 * @param spec what the run is
 * @param status {@code running}, {@code finished} or {@code failed}
 * @param completedRounds the last round whose model and rows are saved (0 = none)
 * @param createdAt when the run was created (ISO-8601)
 * @param updatedAt when it last changed (ISO-8601)
 */
public record RunRecord(
    RunSpec spec, String status, int completedRounds, String createdAt, String updatedAt) {

  /** Status of a run in progress (or interrupted by a crash). */
  public static final String RUNNING = "running";

  /** Status of a run whose every round is done. */
  public static final String FINISHED = "finished";

  /** Status of a run that stopped with an error. */
  public static final String FAILED = "failed";

  /** The run's id. */
  public String id() {
    return spec.id();
  }

  /** Whether the run still has rounds to do. */
  public boolean unfinished() {
    return RUNNING.equals(status);
  }
}

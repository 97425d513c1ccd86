package dev.fedge.server.state;

import java.time.Instant;
import java.util.Map;

/**
 * One step of a run spec's pipeline as stored (migration V7, {@link StepStore}).
 *
 * @param runId the run
 * @param position 0, 1, ... in the order the steps run
 * @param step {@code check}, {@code data}, {@code train}, {@code evaluate} or {@code serve}
 * @param options the step's options as its spec gave them
 * @param status {@value #PENDING}, {@value #RUNNING}, {@value #DONE}, {@value #FAILED} or {@value
 *     #SKIPPED}
 * @param started when it (first) started, or null
 * @param finished when it ended, or null
 * @param line what it found or why it failed, or null
 */
public record StepRecord(
    String runId,
    int position,
    String step,
    Map<String, Object> options,
    String status,
    Instant started,
    Instant finished,
    String line) {

  /** Not started yet. */
  public static final String PENDING = "pending";

  /** Going on (or interrupted by a server stop: resumed at the next start). */
  public static final String RUNNING = "running";

  /** Ended well. */
  public static final String DONE = "done";

  /** Ended badly: the run failed with this step's line. */
  public static final String FAILED = "failed";

  /** Not run, because an earlier step failed or the run was stopped. */
  public static final String SKIPPED = "skipped";

  /** Copies the options. */
  public StepRecord {
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** Whether the step is over: done, failed or skipped. */
  public boolean ended() {
    return DONE.equals(status) || FAILED.equals(status) || SKIPPED.equals(status);
  }
}

package dev.fedge.web.view;

import java.util.List;
import java.util.Optional;

/**
 * What the web face reads from the federation server: its devices, runs, rounds and event log.
 * Implementations read the server's state store; every method returns a snapshot.
 */
public interface ServerView {

  /** Every device that ever registered, online ones first, then by id. */
  List<DeviceInfo> devices();

  /** Every run, newest first. */
  List<RunInfo> runs();

  /** One run, or empty when there is no such run. */
  Optional<RunInfo> run(String runId);

  /** The finished rounds of a run, ascending; empty when the run has none (or does not exist). */
  List<RoundInfo> rounds(String runId);

  /**
   * Events after an id, oldest first.
   *
   * @param afterId return events whose id is greater than this (0 for all)
   * @param limit at most this many
   * @return the events
   */
  List<EventInfo> events(long afterId, int limit);

  /** The newest events, oldest first. */
  default List<EventInfo> recentEvents(int limit) {
    return events(Math.max(0, lastEventId() - limit), limit);
  }

  /** The id of the newest event, 0 when there is none. */
  long lastEventId();

  /**
   * The steps of a run started from a run spec with steps, in order.
   *
   * @param runId the run
   * @return its steps; empty for a run without steps
   */
  default List<StepInfo> steps(String runId) {
    return List.of();
  }
}

package dev.fedge.web.view;

import java.util.Map;

/** Starts and stops runs on the federation server, for the API's write side. */
public interface RunControl {

  /**
   * Starts a run.
   *
   * @param settings the run's settings as the server's run command takes them (e.g. {@code rounds},
   *     {@code strategy}, {@code model}, {@code dataset}, {@code group}, {@code project})
   * @return the new run
   * @throws IllegalArgumentException when a setting is unknown or invalid, naming it and the value
   * @throws IllegalStateException when the server cannot start a run now (e.g. one is running)
   */
  RunInfo startRun(Map<String, Object> settings);

  /**
   * Starts a run in a project (issue 16): it is put into the project before its first round and
   * samples only that project's devices. By default the project is left to the caller.
   *
   * @param settings as for {@link #startRun(Map)}
   * @param tenant the project, or null for {@code default} (the administrator's runs)
   * @return the new run
   */
  default RunInfo startRun(Map<String, Object> settings, String tenant) {
    return startRun(settings);
  }

  /**
   * Stops a run after its current round.
   *
   * @param runId the run
   * @return the run as it is after the request
   * @throws java.util.NoSuchElementException when there is no such run
   * @throws IllegalStateException when the run has already ended
   */
  RunInfo stopRun(String runId);
}

package dev.fedge.web.view;

import java.time.Instant;

/**
 * One step of a run started from a run spec with steps, as the API and the dashboard show it.
 *
 * @param runId the run
 * @param step {@code check}, {@code data}, {@code train}, {@code evaluate} or {@code serve}
 * @param status {@code pending}, {@code running}, {@code done}, {@code failed} or {@code skipped}
 * @param started when it first started, or null
 * @param finished when it ended, or null
 * @param line what it found or why it failed, or null
 */
public record StepInfo(
    String runId, String step, String status, Instant started, Instant finished, String line) {}

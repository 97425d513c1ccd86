package dev.fedge.web.view;

import java.time.Instant;

/**
 * One entry of the server's event log (a device registered, an upload was rejected, a round
 * completed, ...).
 *
 * @param id increasing id; {@link ServerView#events(long, int)} returns events after an id
 * @param time when it happened
 * @param type short kind, e.g. {@code registered}, {@code round_completed}, {@code failure}
 * @param runId the run it concerns, or null
 * @param clientId the client it concerns, or null
 * @param message what happened, for a person
 */
public record EventInfo(
    long id, Instant time, String type, String runId, String clientId, String message) {

  /** Validates. */
  public EventInfo {
    if (time == null) {
      throw new IllegalArgumentException("event " + id + ": time must not be null");
    }
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("event " + id + ": type must not be blank");
    }
    message = message == null ? "" : message;
  }
}

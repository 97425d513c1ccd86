package dev.fedge.server.state;

/**
 * Something that happened, as stored.
 *
 * @param id sequence number
 * @param at when (ISO-8601)
 * @param kind e.g. {@code registered}, {@code rejected}, {@code failure}, {@code round_completed}
 * @param runId the run, or null
 * @param round the round, or null
 * @param clientId the client, or null
 * @param message what happened, for people
 */
public record EventRecord(
    long id, String at, String kind, String runId, Integer round, String clientId,
    String message) {

  /** A client registered. */
  public static final String REGISTERED = "registered";

  /** A call (usually an upload) was refused; the message says why. */
  public static final String REJECTED = "rejected";

  /** A client failed in a round (error, timeout, disconnect, unusable update). */
  public static final String FAILURE = "failure";

  /** A client stopped heartbeating. */
  public static final String DISCONNECTED = "disconnected";

  /** A round completed and was saved. */
  public static final String ROUND_COMPLETED = "round_completed";

  /** A round ended with too few results and will be run again. */
  public static final String ROUND_INCOMPLETE = "round_incomplete";

  /** A run started. */
  public static final String RUN_STARTED = "run_started";

  /** A run was resumed after a restart. */
  public static final String RUN_RESUMED = "run_resumed";

  /** A run finished. */
  public static final String RUN_FINISHED = "run_finished";

  /** A recorded round's model is not in the model store (found at start). */
  public static final String MODEL_MISSING = "model_missing";

  /** A model alias was set, rolled back or removed (through the API). */
  public static final String ALIAS_CHANGED = "alias_changed";
}

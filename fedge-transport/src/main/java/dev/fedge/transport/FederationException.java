package dev.fedge.transport;

/**
 * A refused or failed call, with a code and a reason a person can read. Server-side handlers throw
 * it to reject a request (the reason travels to the client as the gRPC status description); the
 * client throws it when a call fails.
 */
public class FederationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a call failed; the names are gRPC's status codes. */
  public enum Code {
    /** The request is malformed or does not match the model (bad length, layout, values). */
    INVALID_ARGUMENT,
    /** No valid credential or enrollment token. */
    UNAUTHENTICATED,
    /** The caller is known but not allowed (revoked, someone else's task, not on loopback). */
    PERMISSION_DENIED,
    /** The task or model does not exist (any more). */
    NOT_FOUND,
    /** The result for this task was already uploaded. */
    ALREADY_EXISTS,
    /** The request is larger than allowed. */
    RESOURCE_EXHAUSTED,
    /** The bytes did not arrive intact (checksum mismatch). */
    DATA_LOSS,
    /** The request does not fit the current state (e.g. an upload for an evaluate task). */
    FAILED_PRECONDITION,
    /** The server cannot be reached or is shutting down; try again later. */
    UNAVAILABLE,
    /** The call took longer than its deadline. */
    DEADLINE_EXCEEDED,
    /** The call was cancelled. */
    CANCELLED,
    /** Anything else. */
    INTERNAL
  }

  private final Code code;

  /**
   * A failure with a code and a reason.
   *
   * @param code what kind of failure
   * @param reason what went wrong, naming the field and the value
   */
  public FederationException(Code code, String reason) {
    super(reason);
    this.code = code;
  }

  /**
   * A failure with a code, a reason and a cause.
   *
   * @param code what kind of failure
   * @param reason what went wrong
   * @param cause the underlying exception
   */
  public FederationException(Code code, String reason, Throwable cause) {
    super(reason, cause);
    this.code = code;
  }

  /** What kind of failure this is. */
  public Code code() {
    return code;
  }

  /** Whether trying again later may succeed (the server was down or busy). */
  public boolean isTransient() {
    return code == Code.UNAVAILABLE || code == Code.DEADLINE_EXCEEDED;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}

package dev.fedge.api;

/**
 * A client could not do what it was asked (it disconnected, timed out, or its training failed).
 * The coordinator turns it into a {@link ClientFailure}; it never ends a round by itself.
 */
public class ClientException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure with a reason a person can read. */
  public ClientException(String reason) {
    super(reason);
  }

  /** A failure with a reason and its cause. */
  public ClientException(String reason, Throwable cause) {
    super(reason, cause);
  }
}

package dev.fedge.server.state;

/** The state file could not be read or written; the message names the file. */
public class StateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with its cause.
   *
   * @param message what failed, naming the file
   * @param cause the underlying error
   */
  public StateException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure.
   *
   * @param message what failed, naming the file
   */
  public StateException(String message) {
    super(message);
  }
}

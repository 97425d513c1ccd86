package dev.fedge.cli;

/** Ends a command with an exit code and a one-line message for the user. */
public class ExitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Something went wrong at run time (a dead server, a failed run). */
  public static final int FAILURE = 1;

  /** The user's input was wrong: a bad option, config, or data file. */
  public static final int INVALID_INPUT = 2;

  /** Something the command needs is not there or not reachable (a data set, a host). */
  public static final int UNAVAILABLE = 3;

  /** A bug: an exception nobody expected. */
  public static final int INTERNAL = 70;

  private final int code;

  /** An exit with a code and a message. */
  public ExitException(int code, String message) {
    super(message);
    this.code = code;
  }

  /** An exit with a code, a message and the cause (shown with --verbose). */
  public ExitException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The process exit code. */
  public int code() {
    return code;
  }
}

package dev.fedge.fleet;

import java.util.Objects;

/**
 * What happened on one host: a value, or a failure with a one-line reason.
 *
 * @param host the host
 * @param value the task's result, {@code null} on failure
 * @param state {@link State#OK}, {@link State#FAILED} or {@link State#UNREACHABLE}
 * @param message the reason of a failure, or a note (such as a recorded host key) on success;
 *     never {@code null}
 * @param <T> the type of the value
 */
public record Outcome<T>(Host host, T value, State state, String message) {

  /** How a host fared. */
  public enum State {
    /** The task ran and returned a value. */
    OK,
    /** The host was reached but the task failed. */
    FAILED,
    /** The host could not be reached or logged into. */
    UNREACHABLE
  }

  /** Checks the fields agree. */
  public Outcome {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    if (state == State.OK && value == null) {
      throw new IllegalArgumentException("an OK outcome of " + host.name() + " needs a value");
    }
  }

  /** A success. */
  public static <T> Outcome<T> ok(Host host, T value, String note) {
    return new Outcome<>(host, value, State.OK, note == null ? "" : note);
  }

  /** A failure on a reachable host. */
  public static <T> Outcome<T> failed(Host host, String message) {
    return new Outcome<>(host, null, State.FAILED, message);
  }

  /** An unreachable host. */
  public static <T> Outcome<T> unreachable(Host host, String message) {
    return new Outcome<>(host, null, State.UNREACHABLE, message);
  }

  /** Whether the task succeeded. */
  public boolean ok() {
    return state == State.OK;
  }
}

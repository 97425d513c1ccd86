package dev.fedge.fleet;

import java.io.IOException;

/**
 * A host could not be reached or logged into: connection refused or timed out, host key refused,
 * authentication failed. Ansible reports these as {@code UNREACHABLE!}.
 */
public class HostUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An unreachable host with a one-line reason. */
  public HostUnreachableException(String message) {
    super(message);
  }

  /** An unreachable host with a one-line reason and its cause. */
  public HostUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}

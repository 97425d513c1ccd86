package dev.fedge.data;

import java.io.IOException;

/**
 * A data set is neither on disk nor downloadable; the one-line message says where to put its
 * files.
 */
public class DatasetUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An unavailable data set, with a message that says where to put its files. */
  public DatasetUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

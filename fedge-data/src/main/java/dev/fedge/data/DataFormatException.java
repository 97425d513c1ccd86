package dev.fedge.data;

/**
 * A data file that cannot be read: wrong magic number, truncated, corrupt, counts that do not
 * match, labels out of range. The message is one line that names the file and what is wrong, e.g.
 * {@code train-images-idx3-ubyte.gz: truncated: expected 47040000 pixel bytes, got 1000}.
 */
public class DataFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * A format error in a file.
   *
   * @param file the file name (usually without its directory)
   * @param problem what is wrong
   */
  public DataFormatException(String file, String problem) {
    super(file + ": " + problem);
  }

  /**
   * A format error in a file, with the low-level cause.
   *
   * @param file the file name (usually without its directory)
   * @param problem what is wrong
   * @param cause the exception that revealed it
   */
  public DataFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}

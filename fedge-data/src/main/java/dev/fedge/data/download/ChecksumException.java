package dev.fedge.data.download;

import java.io.IOException;

/** A downloaded or supplied file whose checksum is not the expected one. */
public class ChecksumException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * A mismatch.
   *
   * @param file the file's name
   * @param algorithm MD5 or SHA-256
   * @param expected expected checksum
   * @param actual actual checksum
   */
  public ChecksumException(String file, String algorithm, String expected, String actual) {
    super(
        file + ": " + algorithm + " checksum mismatch: expected " + expected + ", got " + actual);
  }
}

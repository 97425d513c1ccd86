package dev.fedge.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening data files that may or may not be gzip-compressed, and reading them fully. */
final class Streams {

  private static final int BUFFER = 1 << 16;

  private Streams() {}

  /**
   * Opens a file for reading, decompressing it when it starts with the gzip magic bytes (whatever
   * its name says).
   */
  static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
      } catch (IOException e) {
        raw.close();
        throw new DataFormatException(name(file), "corrupt gzip header: " + e.getMessage(), e);
      }
    }
    return raw;
  }

  /**
   * Reads up to {@code dst.length} bytes; returns how many were read (fewer only at end of
   * stream). A corrupt or cut-off gzip stream ends the read like an end of stream when nothing
   * more can be decompressed; other I/O errors propagate.
   */
  static int readFully(InputStream in, byte[] dst, String fileName) throws IOException {
    int got = 0;
    try {
      while (got < dst.length) {
        int n = in.read(dst, got, dst.length - got);
        if (n < 0) {
          break;
        }
        got += n;
      }
    } catch (java.io.EOFException e) {
      // a gzip stream cut short: report as truncation below, with the count read so far
    } catch (java.util.zip.ZipException e) {
      throw new DataFormatException(fileName, "corrupt gzip data: " + e.getMessage(), e);
    }
    return got;
  }

  /** The file's name without its directory. */
  static String name(Path file) {
    Path n = file.getFileName();
    return n == null ? file.toString() : n.toString();
  }
}

package dev.fedge.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** MD5 and SHA-256 checksums of files, as lower-case hex. */
public final class Checksums {

  private Checksums() {}

  /**
   * The digest algorithm for an expected checksum, chosen by its length: 32 hex digits is MD5, 64
   * is SHA-256.
   *
   * @param expectedHex the expected checksum
   * @return {@code "MD5"} or {@code "SHA-256"}
   * @throws IllegalArgumentException for any other length or a non-hex digit
   */
  public static String algorithmFor(String expectedHex) {
    if (!expectedHex.matches("[0-9a-fA-F]+")) {
      throw new IllegalArgumentException("checksum: not hex: '" + expectedHex + "'");
    }
    switch (expectedHex.length()) {
      case 32:
        return "MD5";
      case 64:
        return "SHA-256";
      default:
        throw new IllegalArgumentException(
            "checksum: expected 32 (MD5) or 64 (SHA-256) hex digits, got "
                + expectedHex.length() + " in '" + expectedHex + "'");
    }
  }

  /** A new digest for an algorithm name the JDK must have (MD5, SHA-256). */
  public static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /**
   * The checksum of a file.
   *
   * @param file the file
   * @param algorithm {@code "MD5"} or {@code "SHA-256"}
   * @return lower-case hex
   * @throws IOException when the file cannot be read
   */
  public static String of(Path file, String algorithm) throws IOException {
    MessageDigest md = digest(algorithm);
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** MD5 of a file, lower-case hex. */
  public static String md5(Path file) throws IOException {
    return of(file, "MD5");
  }

  /** SHA-256 of a file, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    return of(file, "SHA-256");
  }

  /**
   * Whether a file has the expected checksum (MD5 or SHA-256, by length).
   *
   * @param file the file
   * @param expectedHex expected checksum, any case
   * @return true when it matches
   * @throws IOException when the file cannot be read
   */
  public static boolean matches(Path file, String expectedHex) throws IOException {
    return of(file, algorithmFor(expectedHex)).equals(expectedHex.toLowerCase(Locale.ROOT));
  }
}

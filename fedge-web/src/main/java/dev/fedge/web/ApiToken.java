package dev.fedge.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret that opens the API and the dashboard.
 *
 * @param value the token text
 * @param generated true when it was generated now (the server should print it once)
 */
public record ApiToken(String value, boolean generated) {

  /** Name of the file that keeps a generated token in the state folder. */
  public static final String FILE = "api-token";

  /** Validates the token: at least 16 printable characters without spaces. */
  public ApiToken {
    if (value == null || value.length() < 16 || !value.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException(
          "api-token must be at least 16 printable characters without spaces, got "
              + (value == null ? "none" : value.length() + " characters"));
    }
  }

  /** A given token. */
  public static ApiToken of(String value) {
    return new ApiToken(value, false);
  }

  /**
   * The token to use: the given one when there is one; else the one kept in {@code
   * stateDir/api-token}; else a new random one (256 bits, URL-safe base64), written there readable
   * by the owner only.
   *
   * @param given the {@code --api-token} value, or null
   * @param stateDir the server's state folder (created when needed)
   * @return the token; {@link #generated()} says whether it is new
   * @throws IOException when the file cannot be read or written
   * @throws IllegalArgumentException when the given or stored token is unusable
   */
  public static ApiToken resolve(String given, Path stateDir) throws IOException {
    if (given != null) {
      return of(given);
    }
    Path file = stateDir.resolve(FILE);
    if (Files.exists(file)) {
      String stored = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        return of(stored);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    ApiToken token =
        new ApiToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
    Files.createDirectories(stateDir);
    Path tmp = Files.createTempFile(stateDir, "." + FILE, ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's own permissions protect the file
      }
      Files.writeString(
          tmp,
          token.value() + "\n",
          StandardCharsets.US_ASCII,
          StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return token;
  }

  /** Whether a presented token is this one (in constant time). */
  public boolean matches(String presented) {
    return presented != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  /** Never shows the value. */
  @Override
  public String toString() {
    return "ApiToken[" + (generated ? "generated" : "given") + "]";
  }
}

package dev.fedge.server.net;

import dev.fedge.transport.ModelBlob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Client credentials: random secrets handed out once, of which only the SHA-256 is kept. */
final class Credentials {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Credentials() {}

  /** A new random credential (32 bytes, URL-safe base64). */
  static String create() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The hex SHA-256 of a credential, as it is stored. */
  static String sha256Hex(String s) {
    return HexFormat.of().formatHex(ModelBlob.sha256(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether a credential (null or "" for none) is the one a stored hash (or null) was made of. */
  static boolean matches(String credential, String hash) {
    if (credential == null || credential.isEmpty() || hash == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256Hex(credential).getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII));
  }
}

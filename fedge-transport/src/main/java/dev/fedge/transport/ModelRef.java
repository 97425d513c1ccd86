package dev.fedge.transport;

import java.util.HexFormat;

/**
 * Names a model blob: its id, length in bytes, SHA-256 (its identity, as recorded for the saved
 * model) and CRC32C (what a download is checked against: it guards against corruption on the way
 * as SHA-256 would, at a seventh of the cost; the reference comes over the same authenticated
 * connection as the bytes, so a digest that resists forgery would add nothing there).
 *
 * @param id the id to download it by
 * @param length bytes of the blob
 * @param sha256 SHA-256 of the blob (32 bytes)
 * @param crc32c CRC32C of the blob
 */
public record ModelRef(String id, long length, byte[] sha256, int crc32c) {

  /** Validates and copies. */
  public ModelRef {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("model: id must not be blank");
    }
    if (length < 0) {
      throw new IllegalArgumentException("model " + id + ": length must be >= 0, got " + length);
    }
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException(
          "model " + id + ": sha256 must be 32 bytes, got " + (sha256 == null ? null : sha256.length));
    }
    sha256 = sha256.clone();
  }

  /** A copy of the SHA-256. */
  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** The SHA-256 as lowercase hex. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelRef m
        && m.id.equals(id)
        && m.length == length
        && m.crc32c == crc32c
        && java.util.Arrays.equals(m.sha256, sha256);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Long.hashCode(length);
  }

  @Override
  public String toString() {
    return "ModelRef[" + id + ", " + length + " bytes, sha256 " + sha256Hex() + ", crc32c "
        + String.format("%08x", crc32c) + "]";
  }
}

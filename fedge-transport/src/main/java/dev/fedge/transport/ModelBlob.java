package dev.fedge.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bytes of a model as served to clients, with their id and checksum. The server encodes a
 * global model once and serves the same blob to every client, so downloads cost no memory per
 * client. The blob owns its array: nobody may change it afterwards.
 */
public final class ModelBlob {

  private final ModelRef ref;
  private final byte[] bytes;

  private ModelBlob(ModelRef ref, byte[] bytes) {
    this.ref = ref;
    this.bytes = bytes;
  }

  /**
   * Wraps bytes (not copied) and computes their SHA-256 and CRC32C.
   *
   * @param id the id to serve the blob under
   * @param bytes the encoded model; owned by the blob afterwards
   * @return the blob
   */
  public static ModelBlob of(String id, byte[] bytes) {
    return new ModelBlob(new ModelRef(id, bytes.length, sha256(bytes), crc32c(bytes)), bytes);
  }

  /**
   * Wraps bytes (not copied), named by their content: {@code prefix} and the first 8 bytes of
   * their SHA-256 in hex (one SHA-256 pass, not one for the name and one for the reference).
   *
   * @param prefix the id's start, e.g. {@code m-}
   * @param bytes the encoded model; owned by the blob afterwards
   * @return the blob
   */
  public static ModelBlob named(String prefix, byte[] bytes) {
    byte[] sha = sha256(bytes);
    String id = prefix + java.util.HexFormat.of().formatHex(sha, 0, 8);
    return new ModelBlob(new ModelRef(id, bytes.length, sha, crc32c(bytes)), bytes);
  }

  /** Id, length and checksum. */
  public ModelRef ref() {
    return ref;
  }

  /** The id. */
  public String id() {
    return ref.id();
  }

  /** Length in bytes. */
  public int length() {
    return bytes.length;
  }

  /** The bytes themselves, not copied: read only. */
  byte[] bytes() {
    return bytes;
  }

  /**
   * SHA-256 of some bytes.
   *
   * @param data the bytes
   * @return the 32-byte digest
   */
  public static byte[] sha256(byte[] data) {
    MessageDigest md = newSha256();
    md.update(data);
    return md.digest();
  }

  /**
   * CRC32C of some bytes.
   *
   * @param data the bytes
   * @return the checksum
   */
  public static int crc32c(byte[] data) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(data);
    return (int) c.getValue();
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ModelBlob[" + ref + "]";
  }
}

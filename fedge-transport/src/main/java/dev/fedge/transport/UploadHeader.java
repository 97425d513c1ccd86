package dev.fedge.transport;

import dev.fedge.api.ParameterLayout;
import java.util.Map;

/**
 * The first message of a result upload: what the bytes that follow are.
 *
 * @param taskId the task this is the result of
 * @param numExamples number of training examples used
 * @param metrics training metrics, e.g. {@code loss}
 * @param totalLength number of encoded bytes that follow
 * @param crc32c CRC32C (Castagnoli) of those bytes, as an unsigned 32-bit value
 * @param codec codec that encoded them
 * @param layout layout of the client's model
 * @param delta whether the bytes encode {@code trained - global}
 */
public record UploadHeader(
    String taskId,
    int numExamples,
    Map<String, Double> metrics,
    long totalLength,
    int crc32c,
    String codec,
    ParameterLayout layout,
    boolean delta) {

  /** Validates and copies. */
  public UploadHeader {
    if (taskId == null || taskId.isBlank()) {
      throw new IllegalArgumentException("upload: task_id must not be blank");
    }
    if (numExamples < 0) {
      throw new IllegalArgumentException(
          "upload for task " + taskId + ": num_examples must be >= 0, got " + numExamples);
    }
    if (totalLength < 0) {
      throw new IllegalArgumentException(
          "upload for task " + taskId + ": total_length must be >= 0, got " + totalLength);
    }
    if (layout == null) {
      throw new IllegalArgumentException("upload for task " + taskId + ": layout is missing");
    }
    metrics = Map.copyOf(metrics);
    codec = codec == null ? "" : codec;
  }

  /**
   * The CRC32C of some bytes, as uploads carry it.
   *
   * <p>Why not SHA-256 as for downloads: the check is against transfer corruption and bugs
   * (truncation, reordering, a flipped bit), not against a forger: an upload is authenticated by
   * its client's credential (and TLS), and a client that wants to send bad values computes a
   * matching digest of any kind. CRC32C detects every burst error of up to 32 bits and any other
   * corruption with probability 1 - 2^-32, and runs at memory speed with the CPU's crc32
   * instruction (4.4 ms for 46.8 MB here, against 33 ms for SHA-256 with SHA-NI), which the server
   * pays for every upload: 1.5 GB a round for 32 clients of an 11.7M-parameter model.
   *
   * @param data the bytes
   * @return their CRC32C
   */
  public static int crc32c(byte[] data) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(data);
    return (int) c.getValue();
  }
}

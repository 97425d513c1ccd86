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
 * @param sha256 SHA-256 of those bytes
 * @param codec codec that encoded them
 * @param layout layout of the client's model
 * @param delta whether the bytes encode {@code trained - global}
 */
public record UploadHeader(
    String taskId,
    int numExamples,
    Map<String, Double> metrics,
    long totalLength,
    byte[] sha256,
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
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException(
          "upload for task " + taskId + ": sha256 must be 32 bytes, got "
              + (sha256 == null ? 0 : sha256.length));
    }
    if (layout == null) {
      throw new IllegalArgumentException("upload for task " + taskId + ": layout is missing");
    }
    metrics = Map.copyOf(metrics);
    sha256 = sha256.clone();
    codec = codec == null ? "" : codec;
  }

  /** A copy of the SHA-256. */
  @Override
  public byte[] sha256() {
    return sha256.clone();
  }
}

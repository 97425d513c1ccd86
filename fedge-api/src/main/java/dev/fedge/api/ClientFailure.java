package dev.fedge.api;

/**
 * A client that did not return a usable result in a round, as data.
 *
 * @param clientId the client's id
 * @param reason short reason, e.g. {@code "timeout"}, {@code "disconnected"}, {@code "NaN in
 *     update"}
 */
public record ClientFailure(String clientId, String reason) {

  /** Validates the id. */
  public ClientFailure {
    if (clientId == null) {
      throw new IllegalArgumentException("ClientFailure: clientId must not be null");
    }
    reason = reason == null ? "unknown" : reason;
  }
}

package dev.fedge.transport;

import java.time.Duration;

/**
 * What a client gets when it registers.
 *
 * @param clientId the id the server knows it by
 * @param credential secret the client sends with every later call
 * @param heartbeatInterval how often the server expects a heartbeat
 */
public record Registration(String clientId, String credential, Duration heartbeatInterval) {

  /** Validates. */
  public Registration {
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("registration: clientId must not be blank");
    }
    if (credential == null || credential.isBlank()) {
      throw new IllegalArgumentException("registration: credential must not be blank");
    }
    if (heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException(
          "registration: heartbeatInterval must be positive, got " + heartbeatInterval);
    }
  }

  @Override
  public String toString() {
    return "Registration[clientId=" + clientId + ", heartbeatInterval=" + heartbeatInterval + "]";
  }
}

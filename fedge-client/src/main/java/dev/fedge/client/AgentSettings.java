package dev.fedge.client;

import dev.fedge.transport.FederationClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an edge agent reaches its server.
 *
 * @param server {@code host:port}
 * @param caFile certificate authority to trust for TLS, or null for plaintext
 * @param enrollToken the server's enrollment token, or null
 * @param name the device's stable name (the same after a restart, so it keeps its client id)
 * @param pullWait how long one task long-poll may wait
 * @param backoffMin first wait before retrying an unreachable server
 * @param backoffMax longest wait between retries
 */
public record AgentSettings(
    String server,
    Path caFile,
    String enrollToken,
    String name,
    Duration pullWait,
    Duration backoffMin,
    Duration backoffMax) {

  /** Validates; messages name the option. */
  public AgentSettings {
    FederationClient.parseTarget(server);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("--name must not be blank");
    }
    if (pullWait == null || pullWait.isNegative()) {
      throw new IllegalArgumentException("pull wait must be >= 0, got " + pullWait);
    }
    if (backoffMin == null || backoffMin.isNegative() || backoffMin.isZero()
        || backoffMax == null || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException(
          "backoff must be 0 < min <= max, got " + backoffMin + " and " + backoffMax);
    }
    enrollToken = enrollToken == null ? "" : enrollToken;
  }

  /**
   * Settings with the usual waits: 20 s long-polls, retries from 0.5 s doubling up to 10 s.
   *
   * @param server {@code host:port}
   * @param caFile CA for TLS, or null
   * @param enrollToken token, or null
   * @param name the device's name
   * @return the settings
   */
  public static AgentSettings of(String server, Path caFile, String enrollToken, String name) {
    return new AgentSettings(server, caFile, enrollToken, name, Duration.ofSeconds(20),
        Duration.ofMillis(500), Duration.ofSeconds(10));
  }
}

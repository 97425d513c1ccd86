package dev.fedge.web.view;

import dev.fedge.api.Telemetry;
import dev.fedge.server.net.ClientRegistry;
import dev.fedge.server.net.RemoteClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The live side of a device, which the state file only has with a delay: whether it is connected
 * now, and its latest telemetry.
 */
public interface DeviceStatus {

  /**
   * Whether the device is online.
   *
   * @param id the client id
   * @param lastSeen when the state file says it was last seen, or null
   * @return whether it is connected now
   */
  boolean online(String id, Instant lastSeen);

  /** The device's latest telemetry, when fresher than the state file's; empty by default. */
  default Optional<Telemetry> telemetry(String id) {
    return Optional.empty();
  }

  /**
   * Online means seen within a window (for a view on a state file without the live server).
   *
   * @param window e.g. the server's heartbeat timeout
   * @return the status
   */
  static DeviceStatus seenWithin(Duration window) {
    return (id, lastSeen) -> lastSeen != null && !lastSeen.isBefore(Instant.now().minus(window));
  }

  /**
   * The live status kept by the server's client registry: connected and not revoked, with the
   * telemetry of the last heartbeat.
   *
   * @param registry the registry of the running server
   * @return the status
   */
  static DeviceStatus of(ClientRegistry registry) {
    return new DeviceStatus() {
      @Override
      public boolean online(String id, Instant lastSeen) {
        return registry.client(id).map(c -> c.connected() && !c.revoked()).orElse(false);
      }

      @Override
      public Optional<Telemetry> telemetry(String id) {
        return registry.client(id).flatMap(RemoteClient::telemetry);
      }
    };
  }
}

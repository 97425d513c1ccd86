package dev.fedge.web.view;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import dev.fedge.server.state.DeviceSpeed;
import java.time.Instant;
import java.util.Optional;

/**
 * A device of the fleet as the dashboard shows it.
 *
 * @param id the client id the server gave it
 * @param name the device's own stable name (e.g. its host name)
 * @param facts what the device is (OS, cores, memory, class, ...)
 * @param online whether it is connected now
 * @param lastSeen when the server last heard from it, or null when never
 * @param telemetry its last health reading, if any
 * @param rounds number of rounds it delivered a result in
 * @param speed its measured training speed ({@link DeviceSpeed#UNKNOWN} before its first fit)
 */
public record DeviceInfo(
    String id,
    String name,
    DeviceFacts facts,
    boolean online,
    Instant lastSeen,
    Optional<Telemetry> telemetry,
    int rounds,
    DeviceSpeed speed) {

  /** A device whose speed was not measured yet. */
  public DeviceInfo(String id, String name, DeviceFacts facts, boolean online, Instant lastSeen,
      Optional<Telemetry> telemetry, int rounds) {
    this(id, name, facts, online, lastSeen, telemetry, rounds, DeviceSpeed.UNKNOWN);
  }

  /** Validates. */
  public DeviceInfo {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("device: id must not be blank, got '" + id + "'");
    }
    name = name == null || name.isBlank() ? id : name;
    if (facts == null) {
      throw new IllegalArgumentException("device '" + id + "': facts must not be null");
    }
    if (telemetry == null) {
      throw new IllegalArgumentException("device '" + id + "': telemetry must not be null");
    }
    if (rounds < 0) {
      throw new IllegalArgumentException("device '" + id + "': rounds must be >= 0, got " + rounds);
    }
    speed = speed == null ? DeviceSpeed.UNKNOWN : speed;
  }

  /** The device class, e.g. {@code raspberry-pi}. */
  public String deviceClass() {
    return facts.deviceClass();
  }
}

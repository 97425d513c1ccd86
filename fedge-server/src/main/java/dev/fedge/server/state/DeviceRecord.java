package dev.fedge.server.state;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;

/**
 * A registered device as stored.
 *
 * @param id client id
 * @param name the device's stable name
 * @param facts what the device is
 * @param credentialSha256 SHA-256 (hex) of its current credential
 * @param revoked whether it may no longer take part
 * @param remoteAddress where it last registered from
 * @param registeredAt when it (last) registered (ISO-8601)
 * @param lastSeenAt when it was last heard from, or null
 * @param telemetry its latest telemetry, or null
 */
public record DeviceRecord(
    String id,
    String name,
    DeviceFacts facts,
    String credentialSha256,
    boolean revoked,
    String remoteAddress,
    String registeredAt,
    String lastSeenAt,
    Telemetry telemetry) {}

package dev.fedge.server.net;

import dev.fedge.api.DeviceFacts;
import dev.fedge.server.state.EventRecord;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.Registration;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * Registers and authenticates devices: applies the {@link Enrollment} policy to the {@link
 * DeviceDirectory}, hands out credentials, fails the old tasks of a device that registers again,
 * saves the device, and tells of it.
 */
final class Registrar {

  private final Enrollment enrollment;
  private final DeviceDirectory devices;
  private final RegistryLog log;
  private final Duration heartbeatInterval;
  private final long startedNanos = System.nanoTime();

  /**
   * A registrar; the server counts as started now.
   *
   * @param enrollment the policy
   * @param devices the devices
   * @param log where registrations are told
   * @param heartbeatInterval how often devices are asked to heartbeat
   */
  Registrar(Enrollment enrollment, DeviceDirectory devices, RegistryLog log,
      Duration heartbeatInterval) {
    this.enrollment = enrollment;
    this.devices = devices;
    this.log = log;
    this.heartbeatInterval = heartbeatInterval;
  }

  /** See {@link FederationHandler#register(String, String, String, DeviceFacts, SocketAddress)}. */
  Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts facts, SocketAddress remote) {
    enrollment.checkOrigin(remote);
    enrollment.checkRequest(enrollToken, name);
    String credential = Credentials.create();
    Duration sinceStart = Duration.ofNanos(System.nanoTime() - startedNanos);
    DeviceDirectory.Enrolled e = devices.enroll(name, facts, previousCredential,
        Credentials.sha256Hex(credential), remote, h -> enrollment.decide(name, h, sinceStart));
    RemoteClient c = e.client();
    boolean again = e.decision().again();
    String takeover = e.decision().takeover();
    if (again) {
      c.closeTasks(takeover == null ? "registered again (the device restarted)"
          : "its name was taken over by a new registration");
    }
    devices.save(c, remote);
    String line = String.format(Locale.ROOT, "%s %s: %s (%s %s, %d cores, %.1f GiB, %s, %s) from %s",
        c.id(), again ? "registered again" : "registered", name, facts.os(), facts.arch(),
        facts.cores(), facts.memoryBytes() / (double) (1L << 30), facts.accelerator(),
        facts.deviceClass(), remote);
    if (takeover != null) {
      line += "; " + takeover;
    }
    log.event(EventRecord.REGISTERED, c.id(), line);
    log.line("client " + line);
    return new Registration(c.id(), credential, heartbeatInterval);
  }

  /** See {@link FederationHandler#authenticate}. */
  String authenticate(String credential, SocketAddress remote) {
    enrollment.checkOrigin(remote);
    DeviceDirectory.Seen seen = devices.authenticate(credential, remote);
    if (seen.back()) {
      log.line("client " + seen.client().id() + " connected (" + seen.client().name() + ")");
    }
    return seen.client().id();
  }
}

package dev.fedge.server.net;

import dev.fedge.api.DeviceFacts;
import dev.fedge.server.state.EnrollTokenRecord;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.Registration;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * Registers and authenticates devices: applies the {@link Enrollment} policy to the {@link
 * DeviceDirectory}, hands out credentials, fails the old tasks of a device that registers again,
 * saves the device, and tells of it.
 *
 * <p>A token of the form {@code fde_...} is a project's device enroll token (issue 16): a device
 * that registers with a valid one joins that project, from any address; an unknown one is refused
 * with {@code UNAUTHENTICATED}, a revoked one with {@code PERMISSION_DENIED}. Any other token is
 * the server's shared enrollment token, and a device registering with it stays in the project it
 * is in ({@code default} for a new one).
 */
final class Registrar {

  private final Enrollment enrollment;
  private final DeviceDirectory devices;
  private final RegistryLog log;
  private final Duration heartbeatInterval;
  private final long startedNanos = System.nanoTime();
  private final ProjectStore projects;

  /**
   * A registrar; the server counts as started now.
   *
   * @param enrollment the policy
   * @param devices the devices
   * @param log where registrations are told
   * @param heartbeatInterval how often devices are asked to heartbeat
   * @param projects the projects and their enroll tokens, or null for none
   */
  Registrar(Enrollment enrollment, DeviceDirectory devices, RegistryLog log,
      Duration heartbeatInterval, ProjectStore projects) {
    this.projects = projects;
    this.enrollment = enrollment;
    this.devices = devices;
    this.log = log;
    this.heartbeatInterval = heartbeatInterval;
  }

  /** See {@link FederationHandler#register(String, String, String, DeviceFacts, SocketAddress)}. */
  Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts facts, SocketAddress remote) {
    String project = projectOf(enrollToken);
    if (project == null) {
      enrollment.checkOrigin(remote);
      enrollment.checkRequest(enrollToken, name);
    } else {
      enrollment.checkName(name);
    }
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
    if (project != null) {
      projects.assignDevice(c.id(), project);
    }
    devices.announce(c, remote);
    String line = String.format(Locale.ROOT, "%s %s: %s (%s %s, %d cores, %.1f GiB, %s, %s) from %s",
        c.id(), again ? "registered again" : "registered", name, facts.os(), facts.arch(),
        facts.cores(), facts.memoryBytes() / (double) (1L << 30), facts.accelerator(),
        facts.deviceClass(), remote);
    if (project != null) {
      line += " into project '" + project + "'";
    }
    if (takeover != null) {
      line += "; " + takeover;
    }
    log.event(EventRecord.REGISTERED, c.id(), line);
    log.line("client " + line);
    return new Registration(c.id(), credential, heartbeatInterval);
  }

  /**
   * The project a project enroll token enrolls into, or null when the token is not one.
   *
   * @throws FederationException {@code UNAUTHENTICATED} for an unknown one, {@code
   *     PERMISSION_DENIED} for a revoked one
   */
  private String projectOf(String token) {
    if (projects == null || token == null
        || !token.startsWith(EnrollTokenRecord.SECRET_PREFIX)) {
      return null;
    }
    EnrollTokenRecord t = projects.enrollToken(token).orElseThrow(() -> new FederationException(
        Code.UNAUTHENTICATED, "unknown project enroll token (" + EnrollTokenRecord.SECRET_PREFIX
            + "...): no project issued it; ask the project's owner for one"));
    if (!t.valid()) {
      throw new FederationException(Code.PERMISSION_DENIED, "enroll token '" + t.name()
          + "' of project '" + t.project() + "' was revoked at " + t.revoked()
          + "; ask the project's owner for a new one");
    }
    return t.project();
  }

  /** See {@link FederationHandler#authenticate}. */
  String authenticate(String credential, SocketAddress remote) {
    if (!enrollment.originAllowed(remote)) {
      // a device that joined a project with its enroll token may call from anywhere
      boolean inProject = projects != null && devices.withCredential(credential)
          .flatMap(c -> projects.deviceProject(c.id()))
          .filter(p -> !p.equals(dev.fedge.server.state.ProjectRecord.DEFAULT)).isPresent();
      if (!inProject) {
        enrollment.checkOrigin(remote);
      }
    }
    DeviceDirectory.Seen seen = devices.authenticate(credential, remote);
    if (seen.back()) {
      log.line("client " + seen.client().id() + " connected (" + seen.client().name() + ")");
    }
    return seen.client().id();
  }
}

package dev.fedge.server.net;

import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may register, and under which name: the enrollment token (or loopback only without one),
 * the name's form, and the name take-over policy. Pure: it decides from what it is given and
 * refuses with a {@link FederationException}; it changes nothing.
 *
 * <p>A name that is already registered is given to the caller when it proves with its previous
 * credential that it is that device, or when that device is offline (not heard from within the
 * heartbeat timeout: a re-installed device takes its name over). A name held by a connected device
 * is refused with {@code ALREADY_EXISTS}, so a holder of the shared enrollment token cannot hijack
 * a running device; so is the name of a device saved before a server restart until a heartbeat
 * timeout has passed since the start, the time the device has to call back. Revoked devices stay
 * refused.
 */
final class Enrollment {

  /**
   * The device that already holds a name, as the decision needs it.
   *
   * @param id its id
   * @param revoked whether it was revoked
   * @param connected whether it is heartbeating
   * @param lastHeard how long ago it was last heard from, empty when not since the server started
   * @param credentialMatches whether the caller presented the device's current credential
   */
  record Holder(String id, boolean revoked, boolean connected, Optional<Duration> lastHeard,
      boolean credentialMatches) {}

  /**
   * What a registration does.
   *
   * @param again whether the name was registered before (the device keeps its id)
   * @param takeover how the name of an offline device was taken over, or null when it was not
   */
  record Decision(boolean again, String takeover) {}

  private final String enrollToken;
  private final Duration heartbeatTimeout;

  /**
   * A policy.
   *
   * @param enrollToken the token devices must present, or null for loopback devices only
   * @param heartbeatTimeout silence after which a device counts as offline
   */
  Enrollment(String enrollToken, Duration heartbeatTimeout) {
    this.enrollToken = enrollToken;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  /** Whether a caller from there passes {@link #checkOrigin} (a project enroll token does too). */
  boolean originAllowed(SocketAddress remote) {
    return enrollToken != null || isLoopback(remote);
  }

  /** Refuses a caller from another machine when the server has no enrollment token. */
  void checkOrigin(SocketAddress remote) {
    if (!originAllowed(remote)) {
      throw new FederationException(Code.PERMISSION_DENIED,
          "this server has no enrollment token and accepts clients from loopback addresses"
              + " only, not " + remote + "; start it with --enroll-token");
    }
  }

  /** Refuses a missing or wrong enrollment token (when the server has one) and a bad name. */
  void checkRequest(String token, String name) {
    if (enrollToken != null && !tokenMatches(token)) {
      throw new FederationException(Code.UNAUTHENTICATED,
          token == null || token.isEmpty()
              ? "this server needs an enrollment token: start the client with --enroll-token"
              : "wrong enrollment token");
    }
    checkName(name);
  }

  /** Refuses a bad name. */
  void checkName(String name) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "register: name must be 1 to 200 characters, got '" + name + "'");
    }
  }

  /**
   * Decides a registration under a name.
   *
   * @param name the name asked for
   * @param holder the device that holds the name, or null when it is free
   * @param sinceStart time since the server started
   * @return what the registration does
   * @throws FederationException {@code PERMISSION_DENIED} for a revoked device, {@code
   *     ALREADY_EXISTS} for a name that is not free to take
   */
  Decision decide(String name, Holder holder, Duration sinceStart) {
    if (holder == null) {
      return new Decision(false, null);
    }
    if (holder.revoked()) {
      throw new FederationException(Code.PERMISSION_DENIED,
          "device '" + name + "' (" + holder.id() + ") has been revoked");
    }
    if (holder.credentialMatches()) {
      return new Decision(true, null);
    }
    Optional<Duration> heard = holder.lastHeard();
    if (heard.isEmpty() && sinceStart.compareTo(heartbeatTimeout) <= 0) {
      // a device saved before a restart has not had a heartbeat timeout to call back yet
      throw new FederationException(Code.ALREADY_EXISTS,
          "device '" + name + "' (" + holder.id() + ") was registered before the server"
              + " restarted " + span(sinceStart) + " ago and may still be reconnecting:"
              + " register with its credential, or wait until it has been silent for "
              + span(heartbeatTimeout) + ", or choose another --name");
    }
    if (holder.connected() && heard.isPresent() && heard.get().compareTo(heartbeatTimeout) <= 0) {
      throw new FederationException(Code.ALREADY_EXISTS,
          "device '" + name + "' (" + holder.id() + ") is connected, last heard from "
              + span(heard.get()) + " ago: stop that client or choose another --name (the"
              + " name is free again once " + holder.id() + " has been silent for "
              + span(heartbeatTimeout) + ")");
    }
    return new Decision(true, "took over the name of offline device " + holder.id() + " ('"
        + name + "', " + heard.map(d -> "last heard from " + span(d) + " ago")
            .orElse("not heard from since the server started") + ")");
  }

  private boolean tokenMatches(String token) {
    if (token == null) {
      return false;
    }
    return MessageDigest.isEqual(
        token.getBytes(StandardCharsets.UTF_8), enrollToken.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a call came from this machine (in-process calls count as local). */
  static boolean isLoopback(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }
    return true;
  }

  /** A duration for a person: "0.4 s", "12 s", "3.5 min", "2.0 h". */
  static String span(Duration d) {
    double s = Math.max(0, d.toMillis()) / 1000.0;
    if (s < 10) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    if (s < 120) {
      return String.format(Locale.ROOT, "%.0f s", s);
    }
    if (s < 7200) {
      return String.format(Locale.ROOT, "%.1f min", s / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }
}

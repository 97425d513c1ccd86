package dev.fedge.server.net;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import dev.fedge.server.state.DeviceRecord;
import dev.fedge.server.state.DeviceSpeed;
import dev.fedge.server.state.StateStore;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The devices this server knows, by id, name and credential, and their persistence in the {@link
 * StateStore} (so ids and credentials survive a restart: saved devices are loaded disconnected).
 * Whoever waits for devices ({@link #awaitAvailable}) is woken when one registers or comes back.
 */
final class DeviceDirectory {

  private static final Duration TELEMETRY_SAVE_EVERY = Duration.ofSeconds(5);

  /**
   * A registration's outcome.
   *
   * @param client the device, new or known
   * @param decision what the enrollment policy decided
   */
  record Enrolled(RemoteClient client, Enrollment.Decision decision) {}

  /**
   * A call authenticated.
   *
   * @param client the calling device
   * @param back whether it was disconnected until this call
   */
  record Seen(RemoteClient client, boolean back) {}

  private final StateStore state;
  private final TaskTable tasks;
  private final Map<String, RemoteClient> byId = new HashMap<>();
  private final Map<String, RemoteClient> byName = new HashMap<>();
  private final Map<String, RemoteClient> byCredential = new HashMap<>();
  private int lastSeq;

  /**
   * A directory with the devices saved in the state store.
   *
   * @param state where devices are kept, or null for none
   * @param tasks where the devices' tasks are posted
   */
  DeviceDirectory(StateStore state, TaskTable tasks) {
    this.state = state;
    this.tasks = tasks;
    if (state != null) {
      Map<String, DeviceSpeed> speeds = state.speeds();
      for (DeviceRecord d : state.devices()) {
        int seq = seqOf(d.id());
        RemoteClient c = new RemoteClient(tasks, d.id(), seq, d.name(), d.facts());
        c.speed(speeds.getOrDefault(d.id(), DeviceSpeed.UNKNOWN));
        c.credentialSha256(d.credentialSha256());
        c.revoked(d.revoked());
        add(c);
        lastSeq = Math.max(lastSeq, seq);
      }
    }
  }

  private static int seqOf(String id) {
    try {
      return Integer.parseInt(id.substring(1));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private void add(RemoteClient c) {
    if (state != null) {
      c.onSpeed(d -> state.updateSpeed(d.id(), d.speed()));
    }
    byId.put(c.id(), c);
    byName.put(c.name(), c);
    if (c.credentialSha256() != null) {
      byCredential.put(c.credentialSha256(), c);
    }
  }

  /** Every device, in registration order. */
  synchronized List<RemoteClient> all() {
    List<RemoteClient> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparingInt(RemoteClient::seq).thenComparing(RemoteClient::id));
    return out;
  }

  /** The connected, not revoked devices, in registration order. */
  synchronized List<ClientProxy> available() {
    List<ClientProxy> out = new ArrayList<>();
    for (RemoteClient c : all()) {
      if (c.connected() && !c.revoked()) {
        out.add(c);
      }
    }
    return out;
  }

  /** A device by id. */
  synchronized Optional<RemoteClient> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The device with this credential, or empty; nothing is changed. */
  synchronized Optional<RemoteClient> withCredential(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byCredential.get(Credentials.sha256Hex(credential)));
  }

  /** A device by id, or {@code UNAUTHENTICATED}. */
  synchronized RemoteClient get(String clientId) {
    RemoteClient c = byId.get(clientId);
    if (c == null) {
      throw new FederationException(Code.UNAUTHENTICATED, "unknown client '" + clientId + "'");
    }
    return c;
  }

  /** The connected devices not heard from for longer than {@code nanos}. */
  synchronized List<RemoteClient> silentLongerThan(long nanos) {
    List<RemoteClient> out = new ArrayList<>();
    for (RemoteClient c : byId.values()) {
      if (c.connected() && c.silentNanos() > nanos) {
        out.add(c);
      }
    }
    return out;
  }

  /** Waits until at least {@code n} devices are available; false after {@code timeout}. */
  boolean awaitAvailable(int n, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (available().size() < n) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
      }
      return true;
    }
  }

  /**
   * Registers a device under a name, as the policy decides, with a new credential; it counts as
   * available only once {@link #announce announced}.
   *
   * @param name the name
   * @param facts what the device is
   * @param previousCredential the credential the caller presented ("" or null for none)
   * @param hash the SHA-256 of the new credential
   * @param remote where the call came from
   * @param decide the enrollment decision, given the device holding the name (or null); it may
   *     refuse by throwing, and then nothing changes
   * @return the device and the decision
   */
  synchronized Enrolled enroll(String name, DeviceFacts facts, String previousCredential,
      String hash, SocketAddress remote, Function<Enrollment.Holder, Enrollment.Decision> decide) {
    RemoteClient c = byName.get(name);
    Enrollment.Decision d = decide.apply(c == null ? null : new Enrollment.Holder(c.id(),
        c.revoked(), c.connected(), c.lastHeard(),
        Credentials.matches(previousCredential, c.credentialSha256())));
    if (c == null) {
      int seq = ++lastSeq;
      c = new RemoteClient(tasks, "c" + seq, seq, name, facts);
    } else {
      byCredential.remove(c.credentialSha256());
      c.facts(facts);
    }
    c.credentialSha256(hash);
    add(c);
    return new Enrolled(c, d);
  }

  /**
   * Marks an enrolled device as heard from now and wakes whoever waits for devices. Called once
   * the device is saved (and put in its project), so that a waiter that wakes finds it stored.
   */
  synchronized void announce(RemoteClient c, SocketAddress remote) {
    c.touch(remote);
    notifyAll();
  }

  /** Saves a registered device. */
  void save(RemoteClient c, SocketAddress remote) {
    if (state != null) {
      String now = Instant.now().toString();
      state.saveDevice(new DeviceRecord(c.id(), c.name(), c.facts(), c.credentialSha256(), false,
          String.valueOf(remote), now, now, null));
    }
  }

  /**
   * The device a credential belongs to, marked as heard from now.
   *
   * @throws FederationException {@code UNAUTHENTICATED} for a missing or unknown credential,
   *     {@code PERMISSION_DENIED} for a revoked device
   */
  synchronized Seen authenticate(String credential, SocketAddress remote) {
    if (credential == null || credential.isEmpty()) {
      throw new FederationException(Code.UNAUTHENTICATED, "no client credential: register first");
    }
    RemoteClient c = byCredential.get(Credentials.sha256Hex(credential));
    if (c == null) {
      throw new FederationException(Code.UNAUTHENTICATED,
          "unknown client credential: register again");
    }
    if (c.revoked()) {
      throw new FederationException(Code.PERMISSION_DENIED,
          "client " + c.id() + " has been revoked");
    }
    boolean back = c.touch(remote);
    if (back) {
      notifyAll();
    }
    return new Seen(c, back);
  }

  /** Stores a device's telemetry, and saves it at most every few seconds. */
  void telemetry(String clientId, Telemetry telemetry) {
    if (get(clientId).telemetry(telemetry, TELEMETRY_SAVE_EVERY) && state != null) {
      state.updateTelemetry(clientId, telemetry);
    }
  }

  /** Marks a device as revoked, and saves that; its tasks are not closed here. */
  RemoteClient revoke(String clientId) {
    RemoteClient c;
    synchronized (this) {
      c = byId.get(clientId);
      if (c == null) {
        throw new IllegalArgumentException("no client '" + clientId + "'");
      }
      c.revoked(true);
      notifyAll();
    }
    if (state != null) {
      state.setRevoked(clientId, true);
    }
    return c;
  }
}

package dev.fedge.server.net;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Telemetry;
import dev.fedge.server.ClientPool;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.StateStore;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.ModelBlob;
import dev.fedge.transport.Registration;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.UploadHeader;
import dev.fedge.transport.UploadReceiver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The devices connected to this server and the protocol's server side, as a facade over parts
 * with one job each: {@link Registrar} with {@link Enrollment} (token, origin and name take-over
 * policy), {@link
 * DeviceDirectory} (devices and their persistence), {@link TaskTable} (tasks and the models they
 * are served), {@link TaskResults} with {@link UploadCheck} (uploads, evaluations, failures),
 * {@link ResultSlots} (results held in memory) and {@link HeartbeatReaper} (silent devices). A
 * refused upload leaves the global model untouched: its task fails and the coordinator records the
 * failure. A device name is never taken from a connected device by someone without its credential.
 *
 * <p>It is the {@link ClientPool} of the networked server: {@link #available()} lists the devices
 * that are connected, in registration order. Devices and events are written to the {@link
 * StateStore}, so ids and credentials survive a server restart.
 */
public final class ClientRegistry implements FederationHandler, ClientPool, AutoCloseable {

  /**
   * How the registry treats devices.
   *
   * @param enrollToken token a device must present to register, or null to accept devices from
   *     loopback addresses only
   * @param heartbeatInterval how often devices are asked to heartbeat
   * @param heartbeatTimeout silence after which a device counts as gone (its tasks fail)
   */
  public record Settings(String enrollToken, Duration heartbeatInterval, Duration heartbeatTimeout) {

    /** Validates. */
    public Settings {
      if (enrollToken != null && enrollToken.isBlank()) {
        enrollToken = null;
      }
      if (heartbeatInterval == null || heartbeatInterval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "heartbeat interval must be at least 10ms, got " + heartbeatInterval);
      }
      if (heartbeatTimeout == null || heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
        throw new IllegalArgumentException("heartbeat timeout (" + heartbeatTimeout
            + ") must be longer than the heartbeat interval (" + heartbeatInterval + ")");
      }
    }

    /** Loopback only, heartbeats every 2 s, gone after 10 s. */
    public static Settings defaults() {
      return new Settings(null, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }
  }

  private final Settings settings;
  private final Registrar registrar;
  private final TaskTable tasks = new TaskTable();
  private final ResultSlots slots = new ResultSlots();
  private final RegistryLog log;
  private final DeviceDirectory devices;
  private final TaskResults results;
  private final HeartbeatReaper reaper;
  private final ProjectStore projects;

  /**
   * A registry; devices known to the state store are loaded (disconnected until they call).
   *
   * @param settings token and heartbeat settings
   * @param state where devices and events are kept, or null for none
   * @param log one line per notable thing (registrations, disconnects, refusals)
   */
  public ClientRegistry(Settings settings, StateStore state, Consumer<String> log) {
    this.settings = settings;
    this.log = new RegistryLog(state, log, tasks::runId);
    this.devices = new DeviceDirectory(state, tasks);
    this.projects = state == null ? null : ProjectStore.open(state.db());
    this.registrar = new Registrar(new Enrollment(settings.enrollToken(), settings.heartbeatTimeout()),
        devices, this.log, settings.heartbeatInterval(), projects);
    this.results = new TaskResults(tasks, slots, this.log);
    this.reaper = new HeartbeatReaper(devices, settings.heartbeatInterval(),
        settings.heartbeatTimeout(), this.log);
  }

  /**
   * The devices a run may sample: the available ones in the run's project (issue 16), looked up
   * at each call, so a run that is put into a project after it started samples that project's.
   * Without a state store, every available device.
   *
   * @param runId the run
   * @return the pool
   */
  public ClientPool poolOfRun(String runId) {
    if (projects == null) {
      return this;
    }
    return () -> {
      String project = projects.runProject(runId).orElse(ProjectRecord.DEFAULT);
      Map<String, String> of = projects.deviceProjects();
      return available().stream()
          .filter(c -> project.equals(of.getOrDefault(c.id(), ProjectRecord.DEFAULT))).toList();
    };
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /**
   * Sets the run whose tasks are handed out from now on.
   *
   * @param runId the run's id
   * @param codecName codec of the clients' updates
   */
  public void setRun(String runId, String codecName) {
    tasks.setRun(runId, codecName);
  }

  /**
   * Bounds the decoded fit results held in memory: an accepted upload is decoded only when fewer
   * than {@code max} results are waiting to be aggregated; the others wait (their bytes are
   * already checked). Whoever aggregates must call {@link #resultConsumed} for every result (the
   * federation server does it from its round listener) and {@link #releaseResults} at the end of
   * each round. Without this call, results are not bounded.
   *
   * @param max results held at once, at least 1
   */
  public void limitResultsInMemory(int max) {
    slots.limit(max);
  }

  /**
   * A client's fit result was aggregated or dropped; frees its place (see {@link
   * #limitResultsInMemory}).
   *
   * @param clientId the client
   */
  public void resultConsumed(String clientId) {
    slots.consumed(clientId);
  }

  /** Frees every place still held (end of a round: every result was consumed or dropped). */
  public void releaseResults() {
    slots.releaseAll();
  }

  /** The connected, not revoked devices, in registration order. */
  @Override
  public List<ClientProxy> available() {
    return devices.available();
  }

  /** Every device ever registered, connected or not, in registration order. */
  public List<RemoteClient> clients() {
    return devices.all();
  }

  /** A device by id. */
  public Optional<RemoteClient> client(String id) {
    return devices.find(id);
  }

  /**
   * Waits until at least {@code n} devices are available.
   *
   * @param n how many
   * @param timeout longest wait
   * @return whether they are
   */
  public boolean awaitAvailable(int n, Duration timeout) throws InterruptedException {
    return devices.awaitAvailable(n, timeout);
  }

  /**
   * Revokes a device: its calls are refused from now on and its open tasks fail.
   *
   * @param clientId the device
   */
  public void revoke(String clientId) {
    RemoteClient c = devices.revoke(clientId);
    c.closeTasks("revoked");
    log.event(EventRecord.DISCONNECTED, clientId, clientId + " revoked");
    log.line("client " + clientId + " revoked");
  }

  @Override
  public Registration register(
      String enrollToken, String name, DeviceFacts facts, SocketAddress remote) {
    return register(enrollToken, name, "", facts, remote);
  }

  /** Enrolls a device, with the name take-over policy of {@link Enrollment}. */
  @Override
  public Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts facts, SocketAddress remote) {
    return registrar.register(enrollToken, name, previousCredential, facts, remote);
  }

  @Override
  public String authenticate(String credential, SocketAddress remote) {
    return registrar.authenticate(credential, remote);
  }

  @Override
  public void heartbeat(String clientId, Telemetry telemetry) {
    devices.telemetry(clientId, telemetry);
  }

  @Override
  public CompletableFuture<Optional<TaskSpec>> pullTask(String clientId, Duration maxWait) {
    return devices.get(clientId).pull(maxWait);
  }

  @Override
  public ModelBlob model(String clientId, String modelId) {
    return tasks.serve(clientId, modelId);
  }

  /** Model bytes handed out for download since the server started. */
  public long bytesSent() {
    return tasks.bytesSent();
  }

  /** Update bytes received in complete uploads since the server started. */
  public long bytesReceived() {
    return results.bytesReceived();
  }

  @Override
  public UploadReceiver beginUpload(String clientId, UploadHeader header) {
    return results.beginUpload(clientId, header);
  }

  @Override
  public void reportEvaluation(String clientId, String taskId, EvaluateRes result) {
    results.reportEvaluation(clientId, taskId, result);
  }

  /**
   * Ends an open task at once as a failure whose reason names the device and what failed, e.g.
   * {@code c3 (pi-garden): local training failed: CUDA out of memory}; the coordinator records it
   * as a failure of the round without waiting for the deadline. Refused, changing nothing, for an
   * unknown task ({@code NOT_FOUND}), another client's task ({@code PERMISSION_DENIED}), and a
   * task that already ended or whose result is arriving ({@code FAILED_PRECONDITION}).
   */
  @Override
  public void reportFailure(String clientId, String taskId, String reason) {
    results.reportFailure(clientId, taskId, reason);
  }

  @Override
  public void rejected(String clientId, String call, FederationException error) {
    log.rejected(clientId, call, error);
  }

  @Override
  public void close() {
    reaper.close();
    devices.all().forEach(c -> c.closeTasks("server shutting down"));
    if (projects != null) {
      projects.close();
    }
  }
}

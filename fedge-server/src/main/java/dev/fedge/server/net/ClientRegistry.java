package dev.fedge.server.net;

import dev.fedge.api.ClientException;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.ClientPool;
import dev.fedge.server.state.DeviceRecord;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.ModelBlob;
import dev.fedge.transport.Registration;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.UploadHeader;
import dev.fedge.transport.UploadReceiver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The devices connected to this server and the protocol's server side: registration with an
 * enrollment token (or loopback only without one), per-client credentials, heartbeats with
 * telemetry, task long-polls, model downloads and result uploads with every check (task known and
 * owned, not answered yet, codec, layout, length, NaN/Inf). A refused upload leaves the global
 * model untouched: its task fails and the coordinator records the failure. A device that reports
 * that it could not do a task ends that task at once as a failure with its reason. A device name
 * is never taken from a connected device by someone without its credential.
 *
 * <p>It is the {@link ClientPool} of the networked server: {@link #available()} lists the devices
 * that are connected, in registration order. Devices and events are written to the {@link
 * StateStore}, so ids and credentials survive a server restart.
 */
public final class ClientRegistry implements FederationHandler, ClientPool, AutoCloseable {

  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong bytesReceived = new AtomicLong();

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

  /** The run the registry hands out tasks for. */
  private record RunContext(String runId, WireCodec codec) {}

  private static final Duration TELEMETRY_SAVE_EVERY = Duration.ofSeconds(5);
  private static final int KEEP_TASKS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Settings settings;
  private final StateStore state;
  private final Consumer<String> log;
  private final ModelBlobs blobs = new ModelBlobs();
  private final Map<String, RemoteClient> byId = new HashMap<>();
  private final Map<String, RemoteClient> byName = new HashMap<>();
  private final Map<String, RemoteClient> byCredential = new HashMap<>();
  /** Tasks whose outcome the coordinator is still waiting for. */
  private final Map<String, Task> tasks = new HashMap<>();

  /** What became of recent tasks, to answer late or repeated uploads; holds no model. */
  private record Ended(String ownerId, Task.State state, String reason) {}

  private final Map<String, Ended> ended =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
          return size() > KEEP_TASKS;
        }
      };
  private final ScheduledExecutorService reaper;
  private volatile RunContext run = new RunContext("", new Float32Codec());
  private volatile Semaphore resultSlots;
  private final Map<String, Integer> heldSlots = new HashMap<>();
  private int lastSeq;
  private final long startedNanos = System.nanoTime();

  /**
   * A registry; devices known to the state store are loaded (disconnected until they call).
   *
   * @param settings token and heartbeat settings
   * @param state where devices and events are kept, or null for none
   * @param log one line per notable thing (registrations, disconnects, refusals)
   */
  public ClientRegistry(Settings settings, StateStore state, Consumer<String> log) {
    this.settings = settings;
    this.state = state;
    this.log = log == null ? s -> {} : log;
    if (state != null) {
      for (DeviceRecord d : state.devices()) {
        int seq = seqOf(d.id());
        RemoteClient c = new RemoteClient(this, d.id(), seq, d.name(), d.facts());
        c.credentialSha256(d.credentialSha256());
        c.revoked(d.revoked());
        add(c);
        lastSeq = Math.max(lastSeq, seq);
      }
    }
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedge-heartbeat-reaper");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(50, settings.heartbeatInterval().toMillis() / 2);
    reaper.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
  }

  private static int seqOf(String id) {
    try {
      return Integer.parseInt(id.substring(1));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private void add(RemoteClient c) {
    byId.put(c.id(), c);
    byName.put(c.name(), c);
    if (c.credentialSha256() != null) {
      byCredential.put(c.credentialSha256(), c);
    }
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
    run = new RunContext(runId, Codecs.byName(codecName));
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
    if (max < 1) {
      throw new IllegalArgumentException("results in memory must be >= 1, got " + max);
    }
    resultSlots = new Semaphore(max);
  }

  /**
   * A client's fit result was aggregated or dropped; frees its place (see {@link
   * #limitResultsInMemory}).
   *
   * @param clientId the client
   */
  public void resultConsumed(String clientId) {
    Semaphore slots = resultSlots;
    if (slots == null) {
      return;
    }
    synchronized (heldSlots) {
      Integer n = heldSlots.get(clientId);
      if (n == null) {
        return;
      }
      if (n <= 1) {
        heldSlots.remove(clientId);
      } else {
        heldSlots.put(clientId, n - 1);
      }
    }
    slots.release();
  }

  /** Frees every place still held (end of a round: every result was consumed or dropped). */
  public void releaseResults() {
    Semaphore slots = resultSlots;
    if (slots == null) {
      return;
    }
    int n = 0;
    synchronized (heldSlots) {
      for (int held : heldSlots.values()) {
        n += held;
      }
      heldSlots.clear();
    }
    slots.release(n);
  }

  private boolean takeSlot(String clientId) {
    Semaphore slots = resultSlots;
    if (slots == null) {
      return false;
    }
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException(Code.UNAVAILABLE, "the server is shutting down");
    }
    synchronized (heldSlots) {
      heldSlots.merge(clientId, 1, Integer::sum);
    }
    return true;
  }

  // ---- the pool --------------------------------------------------------------------------------

  /** The connected, not revoked devices, in registration order. */
  @Override
  public synchronized List<ClientProxy> available() {
    List<ClientProxy> out = new ArrayList<>();
    for (RemoteClient c : sorted()) {
      if (c.connected() && !c.revoked()) {
        out.add(c);
      }
    }
    return out;
  }

  /** Every device ever registered, connected or not, in registration order. */
  public synchronized List<RemoteClient> clients() {
    return sorted();
  }

  private List<RemoteClient> sorted() {
    List<RemoteClient> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingInt(RemoteClient::seq).thenComparing(RemoteClient::id));
    return all;
  }

  /** A device by id. */
  public synchronized Optional<RemoteClient> client(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * Waits until at least {@code n} devices are available.
   *
   * @param n how many
   * @param timeout longest wait
   * @return whether they are
   */
  public boolean awaitAvailable(int n, Duration timeout) throws InterruptedException {
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
   * Revokes a device: its calls are refused from now on and its open tasks fail.
   *
   * @param clientId the device
   */
  public void revoke(String clientId) {
    RemoteClient c;
    synchronized (this) {
      c = byId.get(clientId);
      if (c == null) {
        throw new IllegalArgumentException("no client '" + clientId + "'");
      }
      c.revoked(true);
      notifyAll();
    }
    c.closeTasks("revoked");
    if (state != null) {
      state.setRevoked(clientId, true);
    }
    event(EventRecord.DISCONNECTED, null, clientId, clientId + " revoked");
    log.accept("client " + clientId + " revoked");
  }

  // ---- tasks -----------------------------------------------------------------------------------

  /** Creates a task for a device and queues it. */
  Task post(RemoteClient client, TaskSpec.Kind kind, Parameters global, Config config, int round)
      throws ClientException {
    if (!client.connected()) {
      throw new ClientException(client.id() + ": disconnected");
    }
    if (client.revoked()) {
      throw new ClientException(client.id() + ": revoked");
    }
    RunContext ctx = run;
    ModelBlob blob = blobs.blob(global);
    boolean delta = !ctx.codec().name().equals(Float32Codec.NAME);
    TaskSpec spec = new TaskSpec(
        "t-" + UUID.randomUUID(), kind, round, ctx.runId(), config, blob.ref(), global.layout(),
        ctx.codec().name(), delta);
    Task task = new Task(spec, client, global, ctx.codec());
    synchronized (this) {
      tasks.put(spec.taskId(), task);
    }
    client.post(task);
    return task;
  }

  /**
   * Forgets a task whose outcome was handed to the coordinator, keeping only what later uploads
   * need to be answered (so no model or result stays referenced).
   */
  synchronized void retire(Task task) {
    if (tasks.remove(task.spec.taskId()) != null) {
      Task.State state = task.state();
      ended.put(task.spec.taskId(), new Ended(task.owner.id(),
          state == Task.State.DONE ? Task.State.DONE : Task.State.CLOSED,
          task.reason() == null ? "it ended" : task.reason()));
    }
  }

  // ---- the protocol ----------------------------------------------------------------------------

  @Override
  public Registration register(
      String enrollToken, String name, DeviceFacts facts, SocketAddress remote) {
    return register(enrollToken, name, "", facts, remote);
  }

  /**
   * Enrolls a device. A name that is already registered is given to the caller when it proves
   * with {@code previousCredential} that it is that device (it keeps its id, gets a new
   * credential, and its old tasks fail), or when that device is offline (not heard from within the
   * heartbeat timeout: a re-installed device takes its name over). A name held by a connected
   * device is refused with {@code ALREADY_EXISTS}, so a holder of the shared enrollment token
   * cannot hijack a running device; so is the name of a device saved before a server restart until
   * a heartbeat timeout has passed since the start, the time the device has to call back. Revoked
   * devices stay refused.
   */
  @Override
  public Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts facts, SocketAddress remote) {
    checkOrigin(remote);
    if (settings.enrollToken() != null && !tokenMatches(enrollToken)) {
      throw new FederationException(Code.UNAUTHENTICATED,
          enrollToken == null || enrollToken.isEmpty()
              ? "this server needs an enrollment token: start the client with --enroll-token"
              : "wrong enrollment token");
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "register: name must be 1 to 200 characters, got '" + name + "'");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String credential = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = sha256Hex(credential);
    RemoteClient c;
    boolean again;
    String takeover = null;
    synchronized (this) {
      c = byName.get(name);
      if (c != null && c.revoked()) {
        throw new FederationException(Code.PERMISSION_DENIED,
            "device '" + name + "' (" + c.id() + ") has been revoked");
      }
      again = c != null;
      if (c != null && !holds(c, previousCredential)) {
        Optional<Duration> heard = c.lastHeard();
        Duration sinceStart = Duration.ofNanos(System.nanoTime() - startedNanos);
        if (heard.isEmpty() && sinceStart.compareTo(settings.heartbeatTimeout()) <= 0) {
          // a device saved before a restart has not had a heartbeat timeout to call back yet
          throw new FederationException(Code.ALREADY_EXISTS,
              "device '" + name + "' (" + c.id() + ") was registered before the server"
                  + " restarted " + span(sinceStart) + " ago and may still be reconnecting:"
                  + " register with its credential, or wait until it has been silent for "
                  + span(settings.heartbeatTimeout()) + ", or choose another --name");
        }
        if (c.connected() && heard.isPresent()
            && heard.get().compareTo(settings.heartbeatTimeout()) <= 0) {
          throw new FederationException(Code.ALREADY_EXISTS,
              "device '" + name + "' (" + c.id() + ") is connected, last heard from "
                  + span(heard.get()) + " ago: stop that client or choose another --name (the"
                  + " name is free again once " + c.id() + " has been silent for "
                  + span(settings.heartbeatTimeout()) + ")");
        }
        takeover = "took over the name of offline device " + c.id() + " ('" + name + "', "
            + heard.map(d -> "last heard from " + span(d) + " ago")
                .orElse("not heard from since the server started") + ")";
      }
      if (c == null) {
        int seq = ++lastSeq;
        c = new RemoteClient(this, "c" + seq, seq, name, facts);
      } else {
        byCredential.remove(c.credentialSha256());
        c.facts(facts);
      }
      c.credentialSha256(hash);
      add(c);
      c.touch(remote);
      notifyAll();
    }
    if (again) {
      c.closeTasks(takeover == null ? "registered again (the device restarted)"
          : "its name was taken over by a new registration");
    }
    if (state != null) {
      state.saveDevice(new DeviceRecord(c.id(), name, facts, hash, false,
          String.valueOf(remote), Instant.now().toString(), Instant.now().toString(), null));
    }
    String line = String.format(Locale.ROOT, "%s %s: %s (%s %s, %d cores, %.1f GiB, %s, %s) from %s",
        c.id(), again ? "registered again" : "registered", name, facts.os(), facts.arch(),
        facts.cores(), facts.memoryBytes() / (double) (1L << 30), facts.accelerator(),
        facts.deviceClass(), remote);
    if (takeover != null) {
      line += "; " + takeover;
    }
    event(EventRecord.REGISTERED, null, c.id(), line);
    log.accept("client " + line);
    return new Registration(c.id(), credential, settings.heartbeatInterval());
  }

  /** Whether a previous credential is the device's current one. */
  private static boolean holds(RemoteClient c, String previousCredential) {
    if (previousCredential == null || previousCredential.isEmpty()
        || c.credentialSha256() == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sha256Hex(previousCredential).getBytes(StandardCharsets.US_ASCII),
        c.credentialSha256().getBytes(StandardCharsets.US_ASCII));
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

  @Override
  public String authenticate(String credential, SocketAddress remote) {
    checkOrigin(remote);
    if (credential == null || credential.isEmpty()) {
      throw new FederationException(Code.UNAUTHENTICATED, "no client credential: register first");
    }
    RemoteClient c;
    boolean back;
    synchronized (this) {
      c = byCredential.get(sha256Hex(credential));
      if (c == null) {
        throw new FederationException(Code.UNAUTHENTICATED,
            "unknown client credential: register again");
      }
      if (c.revoked()) {
        throw new FederationException(Code.PERMISSION_DENIED,
            "client " + c.id() + " has been revoked");
      }
      back = c.touch(remote);
      if (back) {
        notifyAll();
      }
    }
    if (back) {
      log.accept("client " + c.id() + " connected (" + c.name() + ")");
    }
    return c.id();
  }

  @Override
  public void heartbeat(String clientId, Telemetry telemetry) {
    RemoteClient c = get(clientId);
    if (c.telemetry(telemetry, TELEMETRY_SAVE_EVERY) && state != null) {
      state.updateTelemetry(clientId, telemetry);
    }
  }

  @Override
  public CompletableFuture<Optional<TaskSpec>> pullTask(String clientId, Duration maxWait) {
    return get(clientId).pull(maxWait);
  }

  @Override
  public ModelBlob model(String clientId, String modelId) {
    ModelBlob blob = blobs.byId(modelId)
        .or(() -> openTaskModel(clientId, modelId))
        .orElseThrow(() -> new FederationException(Code.NOT_FOUND,
            "no model '" + modelId + "' (models of finished rounds are not served)"));
    bytesSent.addAndGet(blob.length());
    return blob;
  }

  /**
   * The model of one of the client's open tasks that is no longer the latest (a slow device under
   * an asynchronous strategy, whose task outlives the step it was given in), encoded again.
   */
  private synchronized Optional<ModelBlob> openTaskModel(String clientId, String modelId) {
    for (Task t : tasks.values()) {
      if (t.owner.id().equals(clientId) && t.spec.model().id().equals(modelId)) {
        return Optional.of(ModelBlobs.encode(t.global));
      }
    }
    return Optional.empty();
  }

  /** Model bytes handed out for download since the server started. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** Update bytes received in complete uploads since the server started. */
  public long bytesReceived() {
    return bytesReceived.get();
  }

  @Override
  public UploadReceiver beginUpload(String clientId, UploadHeader header) {
    Task task = ownedTask(clientId, header.taskId());
    if (task.spec.kind() != TaskSpec.Kind.FIT) {
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + task.spec.taskId() + " is an evaluate task: report it with ReportEvaluation");
    }
    Task.State found = task.beginUpload();
    switch (found) {
      case DONE -> throw new FederationException(Code.ALREADY_EXISTS,
          "task " + task.spec.taskId() + " already has a result");
      case UPLOADING -> throw new FederationException(Code.ALREADY_EXISTS,
          "an upload for task " + task.spec.taskId() + " is already in progress");
      case CLOSED -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + task.spec.taskId() + " is closed: " + task.reason());
      case OPEN -> { }
    }
    try {
      checkHeader(task, header);
    } catch (FederationException e) {
      fail(task, "rejected upload: " + e.getMessage());
      throw e;
    }
    return new UploadReceiver() {
      @Override
      public void complete(byte[] data) {
        accept(task, header, data);
      }

      @Override
      public void abort(String reason) {
        task.uploadAborted();
      }
    };
  }

  private void checkHeader(Task task, UploadHeader h) {
    WireCodec codec = task.codec;
    if (!h.codec().equals(codec.name())) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload codec '" + h.codec() + "' does not match the task's '" + codec.name() + "'");
    }
    if (h.delta() != task.spec.delta()) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload " + (h.delta() ? "is" : "is not") + " a difference, the task asks for "
              + (task.spec.delta() ? "trained - global" : "the trained model"));
    }
    ParameterLayout expected = task.spec.layout();
    if (!h.layout().equals(expected)) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload layout does not match the model: " + layoutDifference(expected, h.layout()));
    }
    long size = codec.encodedSize(expected);
    if (h.totalLength() > size) {
      throw new FederationException(Code.RESOURCE_EXHAUSTED,
          "update of " + h.totalLength() + " bytes is larger than allowed: the model takes "
              + size + " bytes as " + codec.name());
    }
    if (h.totalLength() < size) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "update of " + h.totalLength() + " bytes does not match the model: it takes " + size
              + " bytes as " + codec.name());
    }
  }

  static String layoutDifference(ParameterLayout expected, ParameterLayout got) {
    for (int i = 0; i < Math.max(expected.count(), got.count()); i++) {
      if (i >= expected.count()) {
        return "extra tensor '" + got.tensors().get(i).name() + "'";
      }
      TensorSpec e = expected.tensors().get(i);
      if (i >= got.count()) {
        return "tensor '" + e.name() + "' is missing";
      }
      TensorSpec g = got.tensors().get(i);
      if (!e.name().equals(g.name())) {
        return "tensor " + i + " is '" + g.name() + "', the model's is '" + e.name() + "'";
      }
      if (!Arrays.equals(e.shape(), g.shape())) {
        return "tensor '" + e.name() + "' has shape " + Arrays.toString(g.shape())
            + ", the model's is " + Arrays.toString(e.shape());
      }
    }
    return "layouts differ";
  }

  private void accept(Task task, UploadHeader h, byte[] data) {
    bytesReceived.addAndGet(data.length);
    String clientId = task.owner.id();
    boolean slot = takeSlot(clientId);
    boolean delivered = false;
    try {
      Parameters p;
      try {
        p = task.codec.decode(task.spec.layout(), data);
      } catch (IllegalArgumentException e) {
        FederationException f = new FederationException(Code.INVALID_ARGUMENT, e.getMessage());
        fail(task, "rejected upload: " + f.getMessage());
        throw f;
      }
      float[] v = p.values();
      if (task.spec.delta()) {
        float[] g = task.global.values();
        for (int i = 0; i < v.length; i++) {
          v[i] += g[i];
        }
      }
      int bad = p.firstNonFinite();
      if (bad >= 0) {
        FederationException f = new FederationException(Code.INVALID_ARGUMENT,
            "update has a non-finite value (" + v[bad] + ") at index " + bad + ", in tensor '"
                + tensorAt(p.layout(), bad) + "'");
        fail(task, "rejected upload: " + f.getMessage());
        throw f;
      }
      if (!task.succeed(new dev.fedge.api.FitRes(p, h.numExamples(), h.metrics()))) {
        throw new FederationException(Code.FAILED_PRECONDITION,
            "task " + task.spec.taskId() + " is closed: " + task.reason());
      }
      delivered = true;
    } finally {
      if (slot && !delivered) {
        resultConsumed(clientId);
      }
    }
  }

  private static String tensorAt(ParameterLayout layout, int index) {
    int off = 0;
    for (TensorSpec t : layout.tensors()) {
      if (index < off + t.size()) {
        return t.name();
      }
      off += t.size();
    }
    return "?";
  }

  @Override
  public void reportEvaluation(String clientId, String taskId, EvaluateRes result) {
    Task task = ownedTask(clientId, taskId);
    if (task.spec.kind() != TaskSpec.Kind.EVALUATE) {
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " is a fit task: upload its result with UploadResult");
    }
    if (!Double.isFinite(result.loss())) {
      FederationException f = new FederationException(Code.INVALID_ARGUMENT,
          "evaluation loss must be finite, got " + result.loss());
      fail(task, "rejected evaluation: " + f.getMessage());
      throw f;
    }
    if (!task.succeed(result)) {
      throw new FederationException(
          task.state() == Task.State.DONE ? Code.ALREADY_EXISTS : Code.FAILED_PRECONDITION,
          task.state() == Task.State.DONE ? "task " + taskId + " already has a result"
              : "task " + taskId + " is closed: " + task.reason());
    }
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
    String why = FederationHandler.cleanReason(reason);
    Task task;
    try {
      task = ownedTask(clientId, taskId);
    } catch (FederationException e) {
      if (e.code() == Code.ALREADY_EXISTS) {
        throw new FederationException(Code.FAILED_PRECONDITION,
            "task " + taskId + " already has a result: it cannot fail any more");
      }
      throw e;
    }
    RemoteClient owner = task.owner;
    boolean fit = task.spec.kind() == TaskSpec.Kind.FIT;
    String what = (fit ? "local training failed: " : "local evaluation failed: ") + why;
    Task.State found = task.closeIfOpen(what,
        new ClientException(owner.id() + " (" + owner.name() + "): " + what));
    switch (found) {
      case OPEN -> { }
      case UPLOADING -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " has an upload in progress: it cannot fail now");
      case DONE -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " already has a result: it cannot fail any more");
      case CLOSED -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " is closed: " + task.reason());
    }
    log.accept("client " + owner.id() + " (" + owner.name() + "): task " + taskId + " (round "
        + task.spec.round() + ", " + (fit ? "fit" : "evaluate") + ") failed on the device: "
        + why);
  }

  @Override
  public void rejected(String clientId, String call, FederationException error) {
    String line = call + " refused (" + error.code() + "): " + error.getMessage();
    event(EventRecord.REJECTED, null, clientId, line);
    log.accept((clientId == null ? "unauthenticated caller" : "client " + clientId) + ": " + line);
  }

  private Task ownedTask(String clientId, String taskId) {
    Task task;
    Ended gone;
    synchronized (this) {
      task = tasks.get(taskId);
      gone = ended.get(taskId);
    }
    if (task == null && gone != null) {
      if (!gone.ownerId().equals(clientId)) {
        throw new FederationException(Code.PERMISSION_DENIED,
            "task " + taskId + " belongs to another client");
      }
      if (gone.state() == Task.State.DONE) {
        throw new FederationException(Code.ALREADY_EXISTS,
            "task " + taskId + " already has a result");
      }
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " is closed: " + gone.reason());
    }
    if (task == null) {
      throw new FederationException(Code.NOT_FOUND, "unknown task '" + taskId + "'");
    }
    if (!task.owner.id().equals(clientId)) {
      throw new FederationException(Code.PERMISSION_DENIED,
          "task " + taskId + " belongs to another client");
    }
    return task;
  }

  private void fail(Task task, String reason) {
    task.close(reason, new ClientException(task.owner.id() + ": " + reason));
  }

  private RemoteClient get(String clientId) {
    synchronized (this) {
      RemoteClient c = byId.get(clientId);
      if (c == null) {
        throw new FederationException(Code.UNAUTHENTICATED, "unknown client '" + clientId + "'");
      }
      return c;
    }
  }

  private void checkOrigin(SocketAddress remote) {
    if (settings.enrollToken() == null && !isLoopback(remote)) {
      throw new FederationException(Code.PERMISSION_DENIED,
          "this server has no enrollment token and accepts clients from loopback addresses"
              + " only, not " + remote + "; start it with --enroll-token");
    }
  }

  /** Whether a call came from this machine (in-process calls count as local). */
  static boolean isLoopback(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }
    return true;
  }

  private boolean tokenMatches(String token) {
    if (token == null) {
      return false;
    }
    return MessageDigest.isEqual(
        token.getBytes(StandardCharsets.UTF_8),
        settings.enrollToken().getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(String s) {
    return HexFormat.of().formatHex(ModelBlob.sha256(s.getBytes(StandardCharsets.UTF_8)));
  }

  // ---- liveness --------------------------------------------------------------------------------

  private void reap() {
    long timeout = settings.heartbeatTimeout().toNanos();
    List<RemoteClient> gone = new ArrayList<>();
    synchronized (this) {
      for (RemoteClient c : byId.values()) {
        if (c.connected() && c.silentNanos() > timeout) {
          gone.add(c);
        }
      }
    }
    for (RemoteClient c : gone) {
      String reason = "disconnected: no heartbeat for "
          + settings.heartbeatTimeout().toMillis() / 1000.0 + " s";
      c.disconnect(reason);
      event(EventRecord.DISCONNECTED, null, c.id(), c.id() + " " + reason);
      log.accept("client " + c.id() + " " + reason);
    }
  }

  private void event(String kind, Integer round, String clientId, String message) {
    if (state != null) {
      try {
        String runId = run.runId();
        state.event(kind, runId.isEmpty() ? null : runId, round, clientId, message);
      } catch (RuntimeException e) {
        log.accept("cannot record event: " + e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    List<RemoteClient> all;
    synchronized (this) {
      all = new ArrayList<>(byId.values());
    }
    for (RemoteClient c : all) {
      c.closeTasks("server shutting down");
    }
  }
}

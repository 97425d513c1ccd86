package dev.fedge.server.net;

import dev.fedge.api.ClientException;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EncodedFitClient;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.FoldableValues;
import dev.fedge.api.Telemetry;
import dev.fedge.server.state.DeviceSpeed;
import dev.fedge.transport.TaskSpec;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A device on the network, as the coordinator sees it: {@link #fit} and {@link #evaluate} post a
 * task to the device and block until its result arrives. They end with a {@link ClientException}
 * when the device disconnects, registers again (it restarted), sends an unusable result, or the
 * calling thread is interrupted (the coordinator's round deadline).
 */
public final class RemoteClient implements EncodedFitClient {

  private final TaskTable table;
  private final String id;
  private final int seq;
  private final String name;
  private volatile DeviceFacts facts;
  private volatile Telemetry telemetry;
  private volatile String credentialSha256;
  private volatile boolean revoked;
  private volatile boolean connected;
  private volatile long lastSeenNanos;
  private volatile boolean heardFrom;
  private volatile SocketAddress remote;
  private volatile DeviceSpeed speed = DeviceSpeed.UNKNOWN;
  private volatile Consumer<RemoteClient> speedSink = c -> {};
  private long telemetrySavedNanos;
  private final Map<String, Task> open = new LinkedHashMap<>();
  private CompletableFuture<Optional<TaskSpec>> waiter;

  RemoteClient(TaskTable table, String id, int seq, String name, DeviceFacts facts) {
    this.table = table;
    this.id = id;
    this.seq = seq;
    this.name = name;
    this.facts = facts;
  }

  @Override
  public String id() {
    return id;
  }

  /** Registration order, for a stable client order. */
  int seq() {
    return seq;
  }

  /** The device's stable name. */
  public String name() {
    return name;
  }

  @Override
  public DeviceFacts facts() {
    return facts;
  }

  void facts(DeviceFacts f) {
    this.facts = f;
  }

  /** The latest telemetry, if any arrived. */
  public Optional<Telemetry> telemetry() {
    return Optional.ofNullable(telemetry);
  }

  /** Stores telemetry; true when it is time to save it (at most every {@code every}). */
  synchronized boolean telemetry(Telemetry t, Duration every) {
    this.telemetry = t;
    long now = System.nanoTime();
    if (telemetrySavedNanos == 0 || now - telemetrySavedNanos >= every.toNanos()) {
      telemetrySavedNanos = now;
      return true;
    }
    return false;
  }

  /** The device's measured training speed ({@link DeviceSpeed#UNKNOWN} before its first fit). */
  public DeviceSpeed speed() {
    return speed;
  }

  void speed(DeviceSpeed s) {
    this.speed = s;
  }

  /** Who hears each new measured speed (to save it). */
  void onSpeed(Consumer<RemoteClient> sink) {
    this.speedSink = sink;
  }

  String credentialSha256() {
    return credentialSha256;
  }

  void credentialSha256(String hash) {
    this.credentialSha256 = hash;
  }

  /** Whether the device was revoked. */
  public boolean revoked() {
    return revoked;
  }

  void revoked(boolean r) {
    this.revoked = r;
  }

  /** Whether the device is heartbeating. */
  public boolean connected() {
    return connected;
  }

  /** Where the device last called from. */
  public SocketAddress remote() {
    return remote;
  }

  /** Marks the device as heard from now; true when it was disconnected before. */
  boolean touch(SocketAddress from) {
    lastSeenNanos = System.nanoTime();
    heardFrom = true;
    if (from != null) {
      remote = from;
    }
    boolean was = connected;
    connected = true;
    return !was;
  }

  /** Nanoseconds since the device was last heard from. */
  long silentNanos() {
    return System.nanoTime() - lastSeenNanos;
  }

  /**
   * How long ago the device was last heard from, or empty when it has not called since this
   * server started.
   */
  public Optional<Duration> lastHeard() {
    return heardFrom ? Optional.of(Duration.ofNanos(silentNanos())) : Optional.empty();
  }

  /** Marks the device as gone and closes its open tasks. */
  void disconnect(String reason) {
    connected = false;
    closeTasks(reason);
  }

  /** Closes every open task (the device restarted or went away). */
  void closeTasks(String reason) {
    List<Task> tasks;
    CompletableFuture<Optional<TaskSpec>> w;
    synchronized (this) {
      tasks = new ArrayList<>(open.values());
      open.clear();
      w = waiter;
      waiter = null;
    }
    for (Task t : tasks) {
      t.close(reason, new ClientException(id + ": " + reason));
    }
    if (w != null) {
      w.complete(Optional.empty());
    }
  }

  // ---- tasks -----------------------------------------------------------------------------------

  /** Queues a task and wakes a waiting pull. */
  void post(Task task) {
    CompletableFuture<Optional<TaskSpec>> w;
    synchronized (this) {
      open.put(task.spec.taskId(), task);
      w = waiter;
      waiter = null;
    }
    if (w != null) {
      w.complete(Optional.of(task.spec));
    }
  }

  /** Forgets a task that ended. */
  synchronized void remove(Task task) {
    open.remove(task.spec.taskId());
  }

  /** The next deliverable task now, or a future that completes with one or with empty. */
  CompletableFuture<Optional<TaskSpec>> pull(Duration wait) {
    CompletableFuture<Optional<TaskSpec>> previous;
    CompletableFuture<Optional<TaskSpec>> f;
    synchronized (this) {
      for (Task t : open.values()) {
        if (t.deliverable()) {
          return CompletableFuture.completedFuture(Optional.of(t.spec));
        }
      }
      previous = waiter;
      f = new CompletableFuture<>();
      waiter = f;
    }
    if (previous != null) {
      previous.complete(Optional.empty());
    }
    f.completeOnTimeout(Optional.empty(), wait.toMillis(), TimeUnit.MILLISECONDS);
    f.whenComplete((r, e) -> {
      synchronized (this) {
        if (waiter == f) {
          waiter = null;
        }
      }
    });
    return f;
  }

  @Override
  public FitRes fit(FitIns ins) throws ClientException {
    FitRes res = (FitRes) await(table.post(this, TaskSpec.Kind.FIT, ins.parameters(),
        ins.config(), ins.config().getInt(ConfigKeys.ROUND, 0)));
    DeviceSpeed next;
    synchronized (this) {
      next = speed.observe(res);
      speed = next;
    }
    if (next.measured()) {
      speedSink.accept(this);
    }
    return res;
  }

  /**
   * Like {@link #fit}, with a float32 upload handed on as its checked bytes (no decoded copy);
   * other codecs' uploads are decoded as for {@link #fit}. The caller releases the result's
   * values once it has folded or dropped them; until then the upload holds its permit.
   */
  @Override
  public EncodedFitRes fitEncoded(FitIns ins) throws ClientException {
    Object out = await(table.post(this, TaskSpec.Kind.FIT, ins.parameters(),
        ins.config(), ins.config().getInt(ConfigKeys.ROUND, 0), true));
    EncodedFitRes res = out instanceof EncodedFitRes e ? e : encoded((FitRes) out);
    if (Thread.currentThread().isInterrupted()) {
      res.values().release(); // the round was ended as the result came: nobody will fold it
      throw new ClientException(id + ": cancelled at the round deadline");
    }
    DeviceSpeed next;
    synchronized (this) {
      next = speed.observe(res.metrics());
      speed = next;
    }
    if (next.measured()) {
      speedSink.accept(this);
    }
    return res;
  }

  private static EncodedFitRes encoded(FitRes r) {
    return new EncodedFitRes(r.parameters().layout(), FoldableValues.of(r.parameters().values()),
        r.numExamples(), r.metrics());
  }

  @Override
  public EvaluateRes evaluate(EvaluateIns ins) throws ClientException {
    return (EvaluateRes) await(table.post(this, TaskSpec.Kind.EVALUATE, ins.parameters(),
        ins.config(), ins.config().getInt(ConfigKeys.ROUND, 0)));
  }

  private Object await(Task task) throws ClientException {
    try {
      return task.result.get();
    } catch (InterruptedException e) {
      String why = "task " + task.spec.taskId() + " expired: the round ended before its result";
      task.close(why, new ClientException(id + ": " + why));
      // a result that arrived as the round ended is dropped: its upload may go on
      if (task.result.isDone() && !task.result.isCompletedExceptionally()
          && task.result.getNow(null) instanceof EncodedFitRes r) {
        r.values().release();
      }
      remove(task);
      Thread.currentThread().interrupt();
      throw new ClientException(id + ": cancelled at the round deadline", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ClientException c) {
        throw c;
      }
      throw new ClientException(id + ": " + e.getCause(), e.getCause());
    } finally {
      remove(task);
      table.retire(task);
    }
  }

  @Override
  public String toString() {
    return "RemoteClient[" + id + ", " + name + (connected ? "" : ", disconnected") + "]";
  }
}

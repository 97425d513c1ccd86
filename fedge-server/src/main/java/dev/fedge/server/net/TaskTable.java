package dev.fedge.server.net;

import dev.fedge.api.ClientException;
import dev.fedge.api.Config;
import dev.fedge.api.Parameters;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.ModelBlob;
import dev.fedge.transport.TaskSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks handed to devices: the run and codec they are made for, the open ones (whose outcome
 * the coordinator waits for) with the models they are served, and what became of recent ones, so
 * that a late or repeated upload is answered with a reason. Finds a client's own task or refuses.
 */
final class TaskTable {

  private static final int KEEP_TASKS = 10_000;

  /** The run the table hands out tasks for. */
  private record RunContext(String runId, WireCodec codec) {}

  /** What became of a recent task; holds no model. */
  private record Ended(String ownerId, Task.State state, String reason) {}

  private final ModelBlobs blobs = new ModelBlobs();
  private final Map<String, Task> open = new HashMap<>();
  private final Map<String, Ended> ended =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
          return size() > KEEP_TASKS;
        }
      };
  private final AtomicLong bytesSent = new AtomicLong();
  private volatile RunContext run = new RunContext("", new Float32Codec());

  /** Sets the run whose tasks are made from now on, and the codec of their uploads. */
  void setRun(String runId, String codecName) {
    run = new RunContext(runId, Codecs.byName(codecName));
  }

  /** The current run's id ("" before any). */
  String runId() {
    return run.runId();
  }

  /** Creates a task for a device and queues it there. */
  Task post(RemoteClient client, TaskSpec.Kind kind, Parameters global, Config config, int round)
      throws ClientException {
    return post(client, kind, global, config, round, false);
  }

  /**
   * Posts a task, whose fit result is handed on still encoded when {@code encoded} (see {@link
   * RemoteClient#fitEncoded}).
   */
  Task post(RemoteClient client, TaskSpec.Kind kind, Parameters global, Config config, int round,
      boolean encoded) throws ClientException {
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
    Task task = new Task(spec, client, global, ctx.codec(), encoded);
    synchronized (this) {
      open.put(spec.taskId(), task);
    }
    client.post(task);
    return task;
  }

  /**
   * Forgets a task whose outcome was handed to the coordinator, keeping only what later uploads
   * need to be answered (so no model or result stays referenced).
   */
  synchronized void retire(Task task) {
    if (open.remove(task.spec.taskId()) != null) {
      Task.State state = task.state();
      ended.put(task.spec.taskId(), new Ended(task.owner.id(),
          state == Task.State.DONE ? Task.State.DONE : Task.State.CLOSED,
          task.reason() == null ? "it ended" : task.reason()));
    }
  }

  /**
   * A client's own task.
   *
   * @throws FederationException {@code NOT_FOUND} for an unknown task, {@code PERMISSION_DENIED}
   *     for another client's, {@code ALREADY_EXISTS} or {@code FAILED_PRECONDITION} for a retired
   *     one that succeeded or failed
   */
  Task owned(String clientId, String taskId) {
    Task task;
    Ended gone;
    synchronized (this) {
      task = open.get(taskId);
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

  /**
   * The model a client downloads: the latest one, or that of one of its open tasks that is no
   * longer the latest (a slow device under an asynchronous strategy), encoded again.
   *
   * @throws FederationException {@code NOT_FOUND} for any other model
   */
  ModelBlob serve(String clientId, String modelId) {
    ModelBlob blob = blobs.byId(modelId).or(() -> openTaskModel(clientId, modelId))
        .orElseThrow(() -> new FederationException(Code.NOT_FOUND,
            "no model '" + modelId + "' (models of finished rounds are not served)"));
    bytesSent.addAndGet(blob.length());
    return blob;
  }

  /** Model bytes served. */
  long bytesSent() {
    return bytesSent.get();
  }

  private synchronized Optional<ModelBlob> openTaskModel(String clientId, String modelId) {
    for (Task t : open.values()) {
      if (t.owner.id().equals(clientId) && t.spec.model().id().equals(modelId)) {
        return Optional.of(ModelBlobs.encode(t.global));
      }
    }
    return Optional.empty();
  }
}

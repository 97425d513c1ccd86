package dev.fedge.transport;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Telemetry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A small, complete in-memory handler for transport tests. */
final class TestHandler implements FederationHandler {

  record Rejected(String clientId, String call, FederationException.Code code, String reason) {}

  static final String TOKEN = "enroll-me";

  final Map<String, String> clientsByCredential = new ConcurrentHashMap<>();
  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final Map<String, DeviceFacts> facts = new ConcurrentHashMap<>();
  final Map<String, Telemetry> telemetry = new ConcurrentHashMap<>();
  final Map<String, ModelBlob> models = new ConcurrentHashMap<>();
  final Map<String, TaskSpec> pending = new ConcurrentHashMap<>();
  final Map<String, CompletableFuture<Optional<TaskSpec>>> waiting = new ConcurrentHashMap<>();
  final Map<String, CompletableFuture<byte[]>> uploads = new ConcurrentHashMap<>();
  final Map<String, UploadHeader> headers = new ConcurrentHashMap<>();
  final Map<String, EvaluateRes> evaluations = new ConcurrentHashMap<>();
  final Map<String, String> failures = new ConcurrentHashMap<>();
  final Map<String, String> owners = new ConcurrentHashMap<>();
  final List<String> previousCredentials = new CopyOnWriteArrayList<>();
  final List<String> aborted = new CopyOnWriteArrayList<>();
  final List<Rejected> rejected = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public Registration register(
      String enrollToken, String name, DeviceFacts f, SocketAddress remote) {
    if (!TOKEN.equals(enrollToken)) {
      throw new FederationException(
          FederationException.Code.UNAUTHENTICATED, "wrong enrollment token");
    }
    String id = "c" + ids.incrementAndGet();
    String credential = UUID.randomUUID().toString();
    clientsByCredential.put(credential, id);
    facts.put(id, f);
    return new Registration(id, credential, Duration.ofSeconds(1));
  }

  @Override
  public Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts f, SocketAddress remote) {
    previousCredentials.add(previousCredential);
    return register(enrollToken, name, f, remote);
  }

  @Override
  public String authenticate(String credential, SocketAddress remote) {
    String id = clientsByCredential.get(credential);
    if (id == null) {
      throw new FederationException(
          FederationException.Code.UNAUTHENTICATED, "unknown credential");
    }
    if (revoked.contains(id)) {
      throw new FederationException(
          FederationException.Code.PERMISSION_DENIED, "client " + id + " is revoked");
    }
    return id;
  }

  @Override
  public void heartbeat(String clientId, Telemetry t) {
    telemetry.put(clientId, t);
  }

  @Override
  public synchronized CompletableFuture<Optional<TaskSpec>> pullTask(
      String clientId, Duration maxWait) {
    TaskSpec t = pending.remove(clientId);
    if (t != null) {
      return CompletableFuture.completedFuture(Optional.of(t));
    }
    CompletableFuture<Optional<TaskSpec>> f = new CompletableFuture<>();
    waiting.put(clientId, f);
    f.completeOnTimeout(Optional.empty(), maxWait.toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  synchronized void post(String clientId, TaskSpec task) {
    owners.put(task.taskId(), clientId);
    CompletableFuture<Optional<TaskSpec>> f = waiting.remove(clientId);
    if (f == null || !f.complete(Optional.of(task))) {
      pending.put(clientId, task);
    }
  }

  @Override
  public ModelBlob model(String clientId, String modelId) {
    ModelBlob b = models.get(modelId);
    if (b == null) {
      throw new FederationException(
          FederationException.Code.NOT_FOUND, "no model '" + modelId + "'");
    }
    return b;
  }

  @Override
  public UploadReceiver beginUpload(String clientId, UploadHeader header) {
    if (headers.putIfAbsent(header.taskId(), header) != null) {
      throw new FederationException(
          FederationException.Code.ALREADY_EXISTS, "task " + header.taskId() + " already has a result");
    }
    CompletableFuture<byte[]> f = uploads.computeIfAbsent(header.taskId(), k -> new CompletableFuture<>());
    return new UploadReceiver() {
      @Override
      public void complete(byte[] data) {
        f.complete(data.clone()); // the transport reuses the array afterwards
      }

      @Override
      public void abort(String reason) {
        headers.remove(header.taskId());
        aborted.add(reason);
      }
    };
  }

  @Override
  public void reportEvaluation(String clientId, String taskId, EvaluateRes result) {
    evaluations.put(taskId, result);
  }

  @Override
  public void reportFailure(String clientId, String taskId, String reason) {
    if (!clientId.equals(owners.get(taskId))) {
      throw new FederationException(
          FederationException.Code.NOT_FOUND, "unknown task '" + taskId + "'");
    }
    if (failures.putIfAbsent(taskId, reason) != null) {
      throw new FederationException(
          FederationException.Code.FAILED_PRECONDITION, "task " + taskId + " already failed");
    }
  }

  @Override
  public void rejected(String clientId, String call, FederationException error) {
    rejected.add(new Rejected(clientId, call, error.code(), error.getMessage()));
  }
}

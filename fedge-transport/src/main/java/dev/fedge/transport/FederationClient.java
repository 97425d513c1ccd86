package dev.fedge.transport;

import com.google.protobuf.ByteString;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Telemetry;
import dev.fedge.transport.proto.DownloadModelRequest;
import dev.fedge.transport.proto.EvaluationReport;
import dev.fedge.transport.proto.FailureReport;
import dev.fedge.transport.proto.FederationGrpc;
import dev.fedge.transport.proto.HeartbeatRequest;
import dev.fedge.transport.proto.ModelChunk;
import dev.fedge.transport.proto.PullTaskRequest;
import dev.fedge.transport.proto.PullTaskResponse;
import dev.fedge.transport.proto.RegisterRequest;
import dev.fedge.transport.proto.RegisterResponse;
import dev.fedge.transport.proto.UploadChunk;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The device's end of the protocol: one channel to the server, calls that speak fedge records and
 * fail with {@link FederationException}. After {@link #register} (or {@link #useCredential}) every
 * call carries the client's credential. Thread-safe: heartbeats may run beside a transfer.
 */
public final class FederationClient implements AutoCloseable {

  private static final Duration SHORT_CALL = Duration.ofSeconds(30);
  private static final Duration TRANSFER_CALL = Duration.ofMinutes(30);

  private final ManagedChannel channel;
  private final FederationGrpc.FederationBlockingStub blocking;
  private final FederationGrpc.FederationStub async;
  private volatile String credential;

  /**
   * A client over an existing channel (tests use an in-process one); closing the client shuts the
   * channel down.
   *
   * @param channel the channel
   */
  public FederationClient(ManagedChannel channel) {
    this.channel = channel;
    Channel withAuth = io.grpc.ClientInterceptors.intercept(channel, new AuthInterceptor());
    this.blocking = FederationGrpc.newBlockingStub(withAuth);
    this.async = FederationGrpc.newStub(withAuth);
  }

  /**
   * Opens a channel to {@code host:port}; nothing is sent until the first call.
   *
   * @param target {@code host:port}
   * @param caFile PEM file with the certificate authority to trust for TLS, or null for plaintext
   * @return the client
   * @throws IllegalArgumentException when the target or CA file is unusable
   */
  public static FederationClient connect(String target, Path caFile) {
    parseTarget(target);
    ChannelCredentials creds = InsecureChannelCredentials.create();
    if (caFile != null) {
      if (!Files.isReadable(caFile)) {
        throw new IllegalArgumentException("--ca: file not found or not readable: " + caFile);
      }
      try {
        creds = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "--ca: cannot read a certificate from " + caFile + ": " + e.getMessage(), e);
      }
    }
    return new FederationClient(Grpc.newChannelBuilder(target, creds).build());
  }

  /**
   * Checks a {@code host:port} target.
   *
   * @param target the target
   * @throws IllegalArgumentException naming the value when it is not {@code host:port}
   */
  public static void parseTarget(String target) {
    int colon = target == null ? -1 : target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("--server: expected host:port, got '" + target + "'");
    }
    try {
      int port = Integer.parseInt(target.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--server: port must be a number in [1, 65535], got '" + target + "'");
    }
  }

  /** Sets the credential that later calls carry (as returned by {@link #register}). */
  public void useCredential(String credential) {
    this.credential = credential;
  }

  /**
   * Registers the device and keeps the credential for later calls. When this client registered
   * before (or was given a credential), that credential goes along as the previous one, so the
   * device keeps its name even while the server still counts it as connected.
   *
   * @param enrollToken the server's enrollment token, or "" for none
   * @param name the device's stable name
   * @param facts what the device is
   * @return id, credential and heartbeat interval
   */
  public Registration register(String enrollToken, String name, DeviceFacts facts) {
    return register(enrollToken, name, facts, credential);
  }

  /**
   * Registers the device again, proving with the credential it got last time that the name is
   * its own, and keeps the new credential for later calls. Without the previous credential, a
   * server refuses a name that a connected device holds ({@code ALREADY_EXISTS}).
   *
   * @param enrollToken the server's enrollment token, or "" for none
   * @param name the device's stable name
   * @param facts what the device is
   * @param previousCredential the credential from the device's last registration, or null
   * @return id, credential and heartbeat interval
   */
  public Registration register(
      String enrollToken, String name, DeviceFacts facts, String previousCredential) {
    RegisterResponse r =
        call(() -> stub(SHORT_CALL).register(
            RegisterRequest.newBuilder()
                .setEnrollToken(enrollToken == null ? "" : enrollToken)
                .setName(name)
                .setFacts(Protos.toProto(facts))
                .setAgentVersion(version())
                .setPreviousCredential(previousCredential == null ? "" : previousCredential)
                .build()));
    Registration reg =
        new Registration(
            r.getClientId(),
            r.getCredential(),
            Duration.ofMillis(Math.max(100, r.getHeartbeatIntervalMillis())));
    this.credential = reg.credential();
    return reg;
  }

  /**
   * Sends a heartbeat with telemetry.
   *
   * @param telemetry the device's health now
   */
  public void heartbeat(Telemetry telemetry) {
    call(() -> stub(SHORT_CALL).heartbeat(
        HeartbeatRequest.newBuilder().setTelemetry(Protos.toProto(telemetry)).build()));
  }

  /**
   * Asks for the next task, waiting up to {@code wait} for one.
   *
   * @param wait how long the server may hold the call
   * @return the task, or empty when there was none
   */
  public Optional<TaskSpec> pullTask(Duration wait) {
    PullTaskResponse r =
        call(() -> stub(wait.plus(SHORT_CALL)).pullTask(
            PullTaskRequest.newBuilder().setWaitMillis((int) wait.toMillis()).build()));
    if (r.hasTask()) {
      try {
        return Optional.of(Protos.fromProto(r.getTask()));
      } catch (IllegalArgumentException e) {
        throw new FederationException(
            FederationException.Code.INVALID_ARGUMENT, "server sent a bad task: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Downloads a model in chunks and checks its length and CRC32C against the reference.
   *
   * @param ref the model from a task
   * @return its bytes
   * @throws FederationException {@code DATA_LOSS} when the bytes do not match the reference
   */
  public byte[] downloadModel(ModelRef ref) {
    if (ref.length() > Integer.MAX_VALUE - 8) {
      throw dataLoss("model " + ref.id() + " of " + ref.length() + " bytes is too large");
    }
    byte[] data = new byte[(int) ref.length()];
    downloadModel(ref, (chunk, offset) -> chunk.get(data, (int) offset, chunk.remaining()));
    return data;
  }

  /** Receives the chunks of a download, in order. */
  @FunctionalInterface
  public interface ChunkSink {
    /**
     * Takes one chunk.
     *
     * @param chunk the bytes (read only)
     * @param offset where they start in the model
     */
    void accept(java.nio.ByteBuffer chunk, long offset);
  }

  /**
   * Downloads a model chunk by chunk into a sink, without holding it whole, and checks its length
   * and CRC32C against the reference (see {@link ModelRef} for why not SHA-256). The sink has
   * seen every byte when this returns; when it
   * throws, what the sink got must be discarded.
   *
   * @param ref the model from a task
   * @param sink receives the chunks in order
   * @throws FederationException {@code DATA_LOSS} when the bytes do not match the reference
   */
  public void downloadModel(ModelRef ref, ChunkSink sink) {
    Context.CancellableContext ctx = Context.current().withCancellation();
    Context previous = ctx.attach();
    try {
      Iterator<ModelChunk> it =
          call(() -> stub(TRANSFER_CALL).downloadModel(
              DownloadModelRequest.newBuilder().setModelId(ref.id()).build()));
      CRC32C crc = new CRC32C();
      long received = 0;
      boolean first = true;
      int announced = 0;
      while (call(it::hasNext)) {
        ModelChunk c = call(it::next);
        if (first) {
          if (c.getTotalLength() != ref.length()) {
            throw dataLoss("model " + ref.id() + ": server announces " + c.getTotalLength()
                + " bytes, the task says " + ref.length());
          }
          announced = c.getCrc32C();
          first = false;
        }
        if (c.getOffset() != received) {
          throw dataLoss("model " + ref.id() + ": chunk at offset " + c.getOffset()
              + ", expected " + received);
        }
        ByteString d = c.getData();
        if (received + d.size() > ref.length()) {
          throw dataLoss("model " + ref.id() + ": more than the announced " + ref.length()
              + " bytes");
        }
        for (java.nio.ByteBuffer b : d.asReadOnlyByteBufferList()) {
          int n = b.remaining();
          crc.update(b.duplicate());
          sink.accept(b.duplicate(), received);
          received += n;
        }
      }
      if (first || received != ref.length()) {
        throw dataLoss("model " + ref.id() + ": received " + received + " of " + ref.length()
            + " bytes");
      }
      int actual = (int) crc.getValue();
      if (actual != ref.crc32c() || actual != announced) {
        throw dataLoss("model " + ref.id() + ": crc32c of the bytes is "
            + String.format("%08x", actual) + ", expected " + String.format("%08x", ref.crc32c()));
      }
    } finally {
      ctx.detach(previous);
      ctx.cancel(null);
    }
  }

  /**
   * Uploads a fit result in chunks, with flow control; the header gets the length and SHA-256 of
   * {@code data}.
   *
   * @param taskId the task
   * @param numExamples training examples used
   * @param metrics training metrics
   * @param codec codec that encoded {@code data}
   * @param layout the model's layout
   * @param delta whether {@code data} encodes {@code trained - global}
   * @param data the encoded result
   */
  public void uploadResult(
      String taskId,
      int numExamples,
      Map<String, Double> metrics,
      String codec,
      ParameterLayout layout,
      boolean delta,
      byte[] data) {
    UploadHeader header =
        new UploadHeader(taskId, numExamples, metrics, data.length, UploadHeader.crc32c(data), codec,
            layout, delta);
    upload(UploadChunk.newBuilder().setHeader(Protos.toProto(header)).build(), data);
  }

  /**
   * Sends an upload: the given first message, then {@code data} in chunks. Package-private for
   * tests that need to send a header that does not match the data.
   */
  void upload(UploadChunk first, byte[] data) {
    UploadSender sender = new UploadSender(first, data);
    resetBackoffIfFailing();
    async.withDeadlineAfter(TRANSFER_CALL.toMillis(), TimeUnit.MILLISECONDS).uploadResult(sender);
    try {
      sender.done().get();
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException(FederationException.Code.CANCELLED, "upload interrupted", e);
    }
  }

  /**
   * Reports the result of an evaluate task.
   *
   * @param taskId the task
   * @param result loss, examples and metrics
   */
  public void reportEvaluation(String taskId, EvaluateRes result) {
    call(() -> stub(SHORT_CALL).reportEvaluation(
        EvaluationReport.newBuilder()
            .setTaskId(taskId)
            .setLoss(result.loss())
            .setNumExamples(result.numExamples())
            .putAllMetrics(result.metrics())
            .build()));
  }

  /**
   * Reports that this device could not do a task, so the server ends it at once as a failure
   * instead of waiting for the round's deadline.
   *
   * @param taskId the task
   * @param reason one line on what went wrong; cut to {@link FederationHandler#MAX_FAILURE_REASON}
   *     characters, "no reason given" when blank
   */
  public void reportFailure(String taskId, String reason) {
    call(() -> stub(SHORT_CALL).reportFailure(
        FailureReport.newBuilder()
            .setTaskId(taskId)
            .setReason(FederationHandler.cleanReason(reason))
            .build()));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private FederationGrpc.FederationBlockingStub stub(Duration deadline) {
    resetBackoffIfFailing();
    return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * gRPC waits up to two minutes between reconnection attempts once a server was down; the agent
   * has its own backoff, so each of its attempts gets a fresh connection try.
   */
  private void resetBackoffIfFailing() {
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
  }

  private static <T> T call(java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (StatusRuntimeException e) {
      throw translate(e);
    }
  }

  private static FederationException translate(Throwable t) {
    if (t instanceof FederationException f) {
      return f;
    }
    Status s = Status.fromThrowable(t);
    FederationException.Code code;
    try {
      code = FederationException.Code.valueOf(s.getCode().name());
    } catch (IllegalArgumentException e) {
      code = FederationException.Code.INTERNAL; // OK, UNKNOWN, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED
    }
    String desc = s.getDescription();
    if (desc == null && s.getCause() != null) {
      desc = s.getCause().getMessage();
    }
    return new FederationException(code, desc == null ? s.getCode().toString() : desc, t);
  }

  private static FederationException dataLoss(String reason) {
    return new FederationException(FederationException.Code.DATA_LOSS, reason);
  }

  private static String version() {
    String v = FederationClient.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Adds the credential to every call. */
  private final class AuthInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          String c = credential;
          if (c != null) {
            headers.put(FederationService.AUTHORIZATION, "Bearer " + c);
          }
          super.start(listener, headers);
        }
      };
    }
  }
}

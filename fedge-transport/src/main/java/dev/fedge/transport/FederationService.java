package dev.fedge.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.fedge.api.EvaluateRes;
import dev.fedge.transport.proto.DownloadModelRequest;
import dev.fedge.transport.proto.EvaluationAck;
import dev.fedge.transport.proto.EvaluationReport;
import dev.fedge.transport.proto.FailureAck;
import dev.fedge.transport.proto.FailureReport;
import dev.fedge.transport.proto.FederationGrpc;
import dev.fedge.transport.proto.HeartbeatRequest;
import dev.fedge.transport.proto.HeartbeatResponse;
import dev.fedge.transport.proto.ModelChunk;
import dev.fedge.transport.proto.None;
import dev.fedge.transport.proto.PullTaskRequest;
import dev.fedge.transport.proto.PullTaskResponse;
import dev.fedge.transport.proto.RegisterRequest;
import dev.fedge.transport.proto.RegisterResponse;
import dev.fedge.transport.proto.UploadChunk;
import dev.fedge.transport.proto.UploadResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gRPC service: translates messages to fedge records and back, authenticates, moves models and
 * results in chunks with flow control, checks lengths and checksums, and turns every refusal into
 * a status with a reason. Everything else is the {@link FederationHandler}'s business.
 */
final class FederationService {

  private static final Logger LOG = Logger.getLogger(FederationService.class.getName());

  /** Metadata key of the credential: {@code authorization: Bearer <credential>}. */
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * Bytes per chunk of a model download or result upload: 256 KiB. Each received chunk becomes a
   * byte array of its size (protobuf's {@code bytes} field, and gRPC's parse buffer); at 1 MiB
   * those were "humongous" objects to G1 (half a region or more: regions are 1 MiB for heaps
   * below 2 GiB), about 90 per 11.7M-parameter upload, each taking whole regions and triggering
   * collections. A quarter of that stays an ordinary young-generation array at any heap size.
   */
  static final int CHUNK_SIZE = 256 << 10;

  /** Longest a PullTask call is held. */
  static final Duration MAX_PULL_WAIT = Duration.ofSeconds(60);

  /** Largest upload accepted whatever the header says (2 GiB; a model is at most this). */
  static final long MAX_UPLOAD_BYTES = Integer.MAX_VALUE - 8L;

  private static final Context.Key<String> CREDENTIAL = Context.key("fedge-credential");
  private static final Context.Key<SocketAddress> REMOTE = Context.key("fedge-remote");

  private final FederationHandler handler;
  private final UploadPermits permits;

  FederationService(FederationHandler handler, int maxConcurrentUploads) {
    this.handler = handler;
    this.permits = new UploadPermits(maxConcurrentUploads);
  }

  UploadPermits permits() {
    return permits;
  }

  /** The service with its own lenient request marshallers, behind the credential interceptor. */
  ServerServiceDefinition definition() {
    MethodDescriptor<Incoming<RegisterRequest>, RegisterResponse> register =
        lenient(FederationGrpc.getRegisterMethod(), RegisterRequest.getDefaultInstance(),
            RegisterResponse.getDefaultInstance());
    MethodDescriptor<Incoming<HeartbeatRequest>, HeartbeatResponse> heartbeat =
        lenient(FederationGrpc.getHeartbeatMethod(), HeartbeatRequest.getDefaultInstance(),
            HeartbeatResponse.getDefaultInstance());
    MethodDescriptor<Incoming<PullTaskRequest>, PullTaskResponse> pull =
        lenient(FederationGrpc.getPullTaskMethod(), PullTaskRequest.getDefaultInstance(),
            PullTaskResponse.getDefaultInstance());
    MethodDescriptor<Incoming<DownloadModelRequest>, ModelChunk> download =
        lenient(FederationGrpc.getDownloadModelMethod(), DownloadModelRequest.getDefaultInstance(),
            ModelChunk.getDefaultInstance());
    MethodDescriptor<Incoming<UploadChunk>, UploadResponse> upload =
        lenient(FederationGrpc.getUploadResultMethod(), UploadChunk.getDefaultInstance(),
            UploadResponse.getDefaultInstance());
    MethodDescriptor<Incoming<EvaluationReport>, EvaluationAck> evaluation =
        lenient(FederationGrpc.getReportEvaluationMethod(), EvaluationReport.getDefaultInstance(),
            EvaluationAck.getDefaultInstance());
    MethodDescriptor<Incoming<FailureReport>, FailureAck> failure =
        lenient(FederationGrpc.getReportFailureMethod(), FailureReport.getDefaultInstance(),
            FailureAck.getDefaultInstance());
    ServiceDescriptor service =
        ServiceDescriptor.newBuilder(FederationGrpc.SERVICE_NAME)
            .addMethod(register)
            .addMethod(heartbeat)
            .addMethod(pull)
            .addMethod(download)
            .addMethod(upload)
            .addMethod(evaluation)
            .addMethod(failure)
            .build();
    ServerServiceDefinition def =
        ServerServiceDefinition.builder(service)
            .addMethod(register, ServerCalls.asyncUnaryCall(this::register))
            .addMethod(heartbeat, ServerCalls.asyncUnaryCall(
                (in, obs) -> unary("Heartbeat", in, obs, this::heartbeat)))
            .addMethod(pull, ServerCalls.asyncUnaryCall(this::pullTask))
            .addMethod(download, ServerCalls.asyncServerStreamingCall(this::downloadModel))
            .addMethod(upload, ServerCalls.asyncClientStreamingCall(this::uploadResult))
            .addMethod(evaluation, ServerCalls.asyncUnaryCall(
                (in, obs) -> unary("ReportEvaluation", in, obs, this::reportEvaluation)))
            .addMethod(failure, ServerCalls.asyncUnaryCall(
                (in, obs) -> unary("ReportFailure", in, obs, this::reportFailure)))
            .build();
    return ServerInterceptors.intercept(def, new CredentialInterceptor());
  }

  private static <Q extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
      MethodDescriptor<Incoming<Q>, R> lenient(
          MethodDescriptor<Q, R> generated, Q requestDefault, R responseDefault) {
    return MethodDescriptor.<Incoming<Q>, R>newBuilder()
        .setType(generated.getType())
        .setFullMethodName(generated.getFullMethodName())
        .setRequestMarshaller(Incoming.marshaller(requestDefault))
        .setResponseMarshaller(ProtoUtils.marshaller(responseDefault))
        .build();
  }

  /** Puts the call's credential and remote address in the context. */
  private static final class CredentialInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String auth = headers.get(AUTHORIZATION);
      String credential = "";
      if (auth != null) {
        credential = auth.startsWith("Bearer ") ? auth.substring(7).trim() : auth.trim();
      }
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      Context ctx = Context.current().withValues(CREDENTIAL, credential, REMOTE, remote);
      return Contexts.interceptCall(ctx, call, headers, next);
    }
  }

  // ---- unary calls ---------------------------------------------------------------------------

  private void register(Incoming<RegisterRequest> in, StreamObserver<RegisterResponse> obs) {
    if (in.error() != null) {
      reject(obs, null, "Register", invalid(in.error()));
      return;
    }
    RegisterRequest r = in.message();
    try {
      Registration reg =
          handler.register(r.getEnrollToken(), r.getName(), r.getPreviousCredential(),
              Protos.fromProto(r.getFacts()), REMOTE.get());
      obs.onNext(
          RegisterResponse.newBuilder()
              .setClientId(reg.clientId())
              .setCredential(reg.credential())
              .setHeartbeatIntervalMillis((int) reg.heartbeatInterval().toMillis())
              .build());
      obs.onCompleted();
    } catch (RuntimeException e) {
      reject(obs, null, "Register", asFederation(e));
    }
  }

  private HeartbeatResponse heartbeat(String clientId, HeartbeatRequest r) {
    handler.heartbeat(clientId, Protos.fromProto(r.getTelemetry()));
    return HeartbeatResponse.newBuilder().setServerTimeMillis(System.currentTimeMillis()).build();
  }

  private EvaluationAck reportEvaluation(String clientId, EvaluationReport r) {
    EvaluateRes res = new EvaluateRes(r.getLoss(), r.getNumExamples(), r.getMetricsMap());
    handler.reportEvaluation(clientId, r.getTaskId(), res);
    return EvaluationAck.newBuilder().setTaskId(r.getTaskId()).build();
  }

  private FailureAck reportFailure(String clientId, FailureReport r) {
    handler.reportFailure(clientId, r.getTaskId(), FederationHandler.cleanReason(r.getReason()));
    return FailureAck.newBuilder().setTaskId(r.getTaskId()).build();
  }

  /** An authenticated unary call whose body runs on the calling thread. */
  private <Q, R> void unary(
      String call, Incoming<Q> in, StreamObserver<R> obs, BiFunction<String, Q, R> body) {
    String clientId = null;
    try {
      clientId = authenticate();
      if (in.error() != null) {
        throw invalid(in.error());
      }
      R r = body.apply(clientId, in.message());
      obs.onNext(r);
      obs.onCompleted();
    } catch (RuntimeException e) {
      reject(obs, clientId, call, asFederation(e));
    }
  }

  private String authenticate() {
    return handler.authenticate(CREDENTIAL.get(), REMOTE.get());
  }

  // ---- long poll -----------------------------------------------------------------------------

  private void pullTask(Incoming<PullTaskRequest> in, StreamObserver<PullTaskResponse> obs) {
    String clientId = null;
    CompletableFuture<Optional<TaskSpec>> future;
    try {
      clientId = authenticate();
      if (in.error() != null) {
        throw invalid(in.error());
      }
      long wait = Math.max(0, Math.min(in.message().getWaitMillis(), MAX_PULL_WAIT.toMillis()));
      future = handler.pullTask(clientId, Duration.ofMillis(wait));
    } catch (RuntimeException e) {
      reject(obs, clientId, "PullTask", asFederation(e));
      return;
    }
    ServerCallStreamObserver<PullTaskResponse> call =
        (ServerCallStreamObserver<PullTaskResponse>) obs;
    call.setOnCancelHandler(() -> future.cancel(false));
    String id = clientId;
    future.whenComplete(
        (task, err) -> {
          if (call.isCancelled()) {
            return;
          }
          try {
            if (err != null) {
              Throwable cause = err instanceof CompletionException ? err.getCause() : err;
              if (cause instanceof CancellationException) {
                return;
              }
              reject(obs, id, "PullTask", asFederation(cause));
              return;
            }
            PullTaskResponse.Builder b = PullTaskResponse.newBuilder();
            if (task.isPresent()) {
              b.setTask(Protos.toProto(task.get()));
            } else {
              b.setNone(None.newBuilder().setRetryAfterMillis(0));
            }
            obs.onNext(b.build());
            obs.onCompleted();
          } catch (RuntimeException e) {
            LOG.log(Level.FINE, "PullTask answer to " + id + " not delivered", e);
          }
        });
  }

  // ---- download ------------------------------------------------------------------------------

  private void downloadModel(Incoming<DownloadModelRequest> in, StreamObserver<ModelChunk> obs) {
    String clientId = null;
    ModelBlob blob;
    try {
      clientId = authenticate();
      if (in.error() != null) {
        throw invalid(in.error());
      }
      blob = handler.model(clientId, in.message().getModelId());
    } catch (RuntimeException e) {
      reject(obs, clientId, "DownloadModel", asFederation(e));
      return;
    }
    ServerCallStreamObserver<ModelChunk> call = (ServerCallStreamObserver<ModelChunk>) obs;
    byte[] bytes = blob.bytes();
    ByteString sha = ByteString.copyFrom(blob.ref().sha256());
    int crc = blob.ref().crc32c();
    Runnable pump =
        new Runnable() {
          private int offset;
          private boolean done;

          @Override
          public synchronized void run() {
            while (!done && !call.isCancelled() && call.isReady()) {
              int n = Math.min(CHUNK_SIZE, bytes.length - offset);
              ModelChunk.Builder c =
                  ModelChunk.newBuilder()
                      .setOffset(offset)
                      .setData(UnsafeByteOperations.unsafeWrap(bytes, offset, n));
              if (offset == 0) {
                c.setTotalLength(bytes.length).setSha256(sha).setCrc32C(crc);
              }
              call.onNext(c.build());
              offset += n;
              if (offset >= bytes.length) {
                done = true;
                call.onCompleted();
              }
            }
          }
        };
    call.setOnCancelHandler(() -> {});
    call.setOnReadyHandler(pump);
    pump.run();
  }

  // ---- upload --------------------------------------------------------------------------------

  private StreamObserver<Incoming<UploadChunk>> uploadResult(StreamObserver<UploadResponse> obs) {
    ServerCallStreamObserver<UploadResponse> call = (ServerCallStreamObserver<UploadResponse>) obs;
    call.disableAutoRequest();
    String clientId;
    try {
      clientId = authenticate();
    } catch (RuntimeException e) {
      reject(obs, null, "UploadResult", asFederation(e));
      return new UploadCall.Ignore<>();
    }
    UploadCall upload = new UploadCall(this, handler, permits, call, clientId);
    call.setOnCancelHandler(upload::cancelled);
    call.request(1);
    return upload;
  }

  // ---- errors --------------------------------------------------------------------------------

  /** The answer when memory ran out for an upload: the client should send it again later. */
  static FederationException outOfMemory() {
    return new FederationException(FederationException.Code.UNAVAILABLE,
        "the server is out of memory for this upload; send it again later");
  }

  static FederationException invalid(String reason) {
    return new FederationException(FederationException.Code.INVALID_ARGUMENT, reason);
  }

  static FederationException asFederation(Throwable e) {
    if (e instanceof FederationException f) {
      return f;
    }
    if (e instanceof IllegalArgumentException) {
      return invalid(e.getMessage());
    }
    LOG.log(Level.WARNING, "internal error in a federation call", e);
    return new FederationException(FederationException.Code.INTERNAL, "internal error: " + e, e);
  }

  void reject(StreamObserver<?> obs, String clientId, String call, FederationException e) {
    try {
      handler.rejected(clientId, call, e);
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "handler failed to record a rejection", ex);
    }
    try {
      obs.onError(status(e).asRuntimeException());
    } catch (RuntimeException ex) {
      LOG.log(Level.FINE, "rejection not delivered", ex);
    }
  }

  static Status status(FederationException e) {
    return Status.fromCode(Status.Code.valueOf(e.code().name())).withDescription(e.getMessage());
  }
}

package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.transport.proto.FailureReport;
import dev.fedge.transport.proto.FederationGrpc;
import dev.fedge.transport.proto.UploadChunk;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FederationServiceTest {

  private TransportTestSupport support;

  @BeforeEach
  void setUp() throws IOException {
    support = new TransportTestSupport(2);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    support.close();
  }

  @Test
  void register_thenHeartbeat_carriesCredentialFactsAndTelemetry() {
    try (FederationClient client = support.client()) {
      Registration reg = client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);
      client.heartbeat(new Telemetry(51.5, 123456, 0.75, 42));

      assertEquals("c1", reg.clientId());
      assertEquals(Duration.ofSeconds(1), reg.heartbeatInterval());
      assertEquals(TransportTestSupport.FACTS, support.handler.facts.get("c1"));
      assertEquals(new Telemetry(51.5, 123456, 0.75, 42), support.handler.telemetry.get("c1"));
    }
  }

  @Test
  void register_wrongToken_isUnauthenticatedWithReason() {
    try (FederationClient client = support.client()) {
      FederationException e = assertThrows(FederationException.class,
          () -> client.register("wrong", "dev", TransportTestSupport.FACTS));

      assertEquals(FederationException.Code.UNAUTHENTICATED, e.code());
      assertEquals("wrong enrollment token", e.getMessage());
      assertEquals("Register", support.handler.rejected.get(0).call());
    }
  }

  @Test
  void calls_withUnknownOrRevokedCredential_areRefused() {
    try (FederationClient stranger = support.client();
        FederationClient revoked = support.registered()) {
      stranger.useCredential("not-a-credential");
      support.handler.revoked.add("c1");

      FederationException unknown = assertThrows(FederationException.class,
          () -> stranger.heartbeat(new Telemetry(Double.NaN, -1, Double.NaN, 0)));
      FederationException denied = assertThrows(FederationException.class,
          () -> revoked.pullTask(Duration.ZERO));

      assertEquals(FederationException.Code.UNAUTHENTICATED, unknown.code());
      assertEquals("unknown credential", unknown.getMessage());
      assertEquals(FederationException.Code.PERMISSION_DENIED, denied.code());
      assertEquals("client c1 is revoked", denied.getMessage());
    }
  }

  @Test
  void pullTask_longPoll_returnsTaskPostedWhileWaiting_orNothingAfterTheWait() throws Exception {
    ModelBlob model = ModelBlob.of("m1", TransportTestSupport.randomBytes(80 + 16, 1));
    TaskSpec task = TransportTestSupport.fitTask("t1", model);
    try (FederationClient client = support.registered()) {
      Optional<TaskSpec> none = client.pullTask(Duration.ofMillis(50));
      CompletableFuture<Optional<TaskSpec>> later =
          CompletableFuture.supplyAsync(() -> client.pullTask(Duration.ofSeconds(30)));
      while (!support.handler.waiting.containsKey("c1")) {
        Thread.sleep(10);
      }

      support.handler.post("c1", task);

      assertFalse(none.isPresent());
      TaskSpec got = later.get(20, TimeUnit.SECONDS).orElseThrow();
      assertEquals("t1", got.taskId());
      assertEquals(TaskSpec.Kind.FIT, got.kind());
      assertEquals(task.config(), got.config());
      assertEquals(TransportTestSupport.LAYOUT, got.layout());
      assertEquals(model.ref(), got.model());
    }
  }

  @Test
  void pullTask_cancelledByClient_cancelsHandlersFuture() throws Exception {
    ManagedChannel ch = support.channel();
    try (FederationClient client = support.registered()) {
      String credential = support.handler.clientsByCredential.keySet().iterator().next();
      Metadata md = new Metadata();
      md.put(FederationService.AUTHORIZATION, "Bearer " + credential);
      FederationGrpc.FederationFutureStub stub = FederationGrpc.newFutureStub(ch)
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md));
      var call = stub.pullTask(
          dev.fedge.transport.proto.PullTaskRequest.newBuilder().setWaitMillis(30_000).build());
      while (!support.handler.waiting.containsKey("c1")) {
        Thread.sleep(10);
      }

      call.cancel(true);

      CompletableFuture<Optional<TaskSpec>> f = support.handler.waiting.get("c1");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!f.isDone() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertTrue(f.isCancelled());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void downloadModel_isChunkedAndChecked() {
    byte[] bytes = TransportTestSupport.randomBytes(3 * FederationService.CHUNK_SIZE + 77, 2);
    ModelBlob model = ModelBlob.of("m2", bytes);
    support.handler.models.put("m2", model);
    try (FederationClient client = support.registered()) {
      byte[] got = client.downloadModel(model.ref());

      assertArrayEquals(bytes, got);
    }
  }

  @Test
  void downloadModel_intoSink_seesEveryChunkInOrder() {
    byte[] bytes = TransportTestSupport.randomBytes(2 * FederationService.CHUNK_SIZE + 9, 12);
    ModelBlob model = ModelBlob.of("m4", bytes);
    support.handler.models.put("m4", model);
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    java.util.List<Long> offsets = new java.util.ArrayList<>();
    try (FederationClient client = support.registered()) {
      client.downloadModel(model.ref(), (chunk, offset) -> {
        offsets.add(offset);
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        got.writeBytes(b);
      });

      assertArrayEquals(bytes, got.toByteArray());
      assertEquals(0L, offsets.get(0));
      assertTrue(offsets.size() >= 3, offsets::toString);
    }
  }

  @Test
  void downloadModel_checksumOfTaskDoesNotMatch_isDataLoss() {
    byte[] bytes = TransportTestSupport.randomBytes(1000, 3);
    ModelBlob blob = ModelBlob.of("m3", bytes);
    support.handler.models.put("m3", blob);
    ModelRef wrong = new ModelRef("m3", 1000, blob.ref().sha256(), blob.ref().crc32c() ^ 1);
    try (FederationClient client = support.registered()) {
      FederationException e =
          assertThrows(FederationException.class, () -> client.downloadModel(wrong));

      assertEquals(FederationException.Code.DATA_LOSS, e.code());
      assertTrue(e.getMessage().contains("crc32c of the bytes is "
          + String.format("%08x", blob.ref().crc32c())), e.getMessage());
    }
  }

  @Test
  void downloadModel_bytesCorruptedAfterTheirChecksum_areRefusedAsDataLoss() {
    byte[] bytes = TransportTestSupport.randomBytes(3_000_000, 5);
    ModelBlob blob = ModelBlob.of("m5", bytes);
    support.handler.models.put("m5", blob);
    bytes[2_500_001] ^= 0x10; // one bit flipped between the checksum and the wire, in chunk 3
    try (FederationClient client = support.registered()) {
      FederationException e =
          assertThrows(FederationException.class, () -> client.downloadModel(blob.ref()));

      assertEquals(FederationException.Code.DATA_LOSS, e.code());
      assertTrue(e.getMessage().startsWith("model m5: crc32c of the bytes is "), e.getMessage());
    }
  }

  @Test
  void downloadModel_unknownModel_isNotFound() {
    try (FederationClient client = support.registered()) {
      FederationException e = assertThrows(FederationException.class,
          () -> client.downloadModel(new ModelRef("nope", 1, new byte[32], 0)));

      assertEquals(FederationException.Code.NOT_FOUND, e.code());
      assertEquals("no model 'nope'", e.getMessage());
    }
  }

  @Test
  void uploadResult_chunked_arrivesIntactWithHeader() throws Exception {
    byte[] bytes = TransportTestSupport.randomBytes(2 * FederationService.CHUNK_SIZE + 5, 4);
    try (FederationClient client = support.registered()) {
      client.uploadResult("t1", 321, Map.of("loss", 0.5), "float32", TransportTestSupport.LAYOUT,
          true, bytes);

      assertArrayEquals(bytes, support.handler.uploads.get("t1").get(1, TimeUnit.SECONDS));
      UploadHeader h = support.handler.headers.get("t1");
      assertEquals(321, h.numExamples());
      assertEquals(Map.of("loss", 0.5), h.metrics());
      assertEquals(TransportTestSupport.LAYOUT, h.layout());
      assertTrue(h.delta());
      assertEquals(2, support.service.permits().available());
    }
  }

  @Test
  void uploadResult_uploadsOfOneLength_reuseOneBuffer_andEachArrivesIntact() throws Exception {
    byte[] first = TransportTestSupport.randomBytes(FederationService.CHUNK_SIZE + 7, 5);
    byte[] second = TransportTestSupport.randomBytes(FederationService.CHUNK_SIZE + 7, 6);
    try (FederationClient client = support.registered()) {
      client.uploadResult("t1", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, first);
      client.uploadResult("t2", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false,
          second);

      assertArrayEquals(first, support.handler.uploads.get("t1").get(1, TimeUnit.SECONDS));
      assertArrayEquals(second, support.handler.uploads.get("t2").get(1, TimeUnit.SECONDS));
      assertEquals(1, support.service.permits().pooled()); // the second upload took the first's
    }
  }

  @Test
  void uploadResult_secondUploadForSameTask_isRefusedByHandler() {
    byte[] bytes = TransportTestSupport.randomBytes(100, 5);
    try (FederationClient client = support.registered()) {
      client.uploadResult("t1", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, bytes);

      FederationException e = assertThrows(FederationException.class, () -> client.uploadResult(
          "t1", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, bytes));

      assertEquals(FederationException.Code.ALREADY_EXISTS, e.code());
      assertEquals("task t1 already has a result", e.getMessage());
      assertEquals(new TestHandler.Rejected("c1", "UploadResult",
          FederationException.Code.ALREADY_EXISTS, "task t1 already has a result"),
          support.handler.rejected.get(0));
    }
  }

  @Test
  void uploadResult_truncated_isInvalidAndAborted() {
    byte[] bytes = TransportTestSupport.randomBytes(5000, 6);
    try (FederationClient client = support.registered()) {
      UploadChunk header = header("t1", 6000, UploadHeader.crc32c(bytes));

      FederationException e =
          assertThrows(FederationException.class, () -> client.upload(header, bytes));

      assertEquals(FederationException.Code.INVALID_ARGUMENT, e.code());
      assertEquals("truncated upload for task t1: received 5000 of 6000 bytes", e.getMessage());
      assertEquals(List.of("truncated upload for task t1: received 5000 of 6000 bytes"),
          support.handler.aborted);
      assertFalse(support.handler.uploads.get("t1").isDone());
      assertEquals(2, support.service.permits().available());
    }
  }

  @Test
  void uploadResult_moreBytesThanAnnounced_isResourceExhausted() {
    byte[] bytes = TransportTestSupport.randomBytes(5000, 7);
    try (FederationClient client = support.registered()) {
      UploadChunk header = header("t1", 4000, UploadHeader.crc32c(bytes));

      FederationException e =
          assertThrows(FederationException.class, () -> client.upload(header, bytes));

      assertEquals(FederationException.Code.RESOURCE_EXHAUSTED, e.code());
      assertEquals("upload for task t1 sends more than the announced 4000 bytes",
          e.getMessage());
    }
  }

  @Test
  void uploadResult_hugeAnnouncedLength_isRefusedBeforeReading() {
    try (FederationClient client = support.registered()) {
      UploadChunk header = header("t1", 1L << 40, 0);

      FederationException e =
          assertThrows(FederationException.class, () -> client.upload(header, new byte[10]));

      assertEquals(FederationException.Code.RESOURCE_EXHAUSTED, e.code());
      assertTrue(e.getMessage().startsWith("upload for task t1 announces 1099511627776 bytes"),
          e.getMessage());
      assertFalse(support.handler.headers.containsKey("t1"));
    }
  }

  @Test
  void uploadResult_corruptedBytes_isDataLoss() {
    byte[] bytes = TransportTestSupport.randomBytes(5000, 8);
    int crc = UploadHeader.crc32c(bytes);
    bytes[4000] ^= 1;
    try (FederationClient client = support.registered()) {
      FederationException e = assertThrows(FederationException.class,
          () -> client.upload(header("t1", 5000, crc), bytes));

      assertEquals(FederationException.Code.DATA_LOSS, e.code());
      assertTrue(e.getMessage().startsWith("upload for task t1 is corrupted: crc32c of the bytes is "),
          e.getMessage());
    }
  }

  @Test
  void uploadResult_dataBeforeHeader_isInvalid() {
    try (FederationClient client = support.registered()) {
      UploadChunk data = UploadChunk.newBuilder().setData(ByteString.copyFrom(new byte[3])).build();

      FederationException e =
          assertThrows(FederationException.class, () -> client.upload(data, new byte[0]));

      assertEquals(FederationException.Code.INVALID_ARGUMENT, e.code());
      assertEquals("the first message of an upload must be its header, got DATA", e.getMessage());
    }
  }

  @Test
  void uploadResult_headerWithBadLayout_isInvalid() {
    try (FederationClient client = support.registered()) {
      UploadChunk header = UploadChunk.newBuilder().setHeader(
          Protos.toProto(new UploadHeader("t1", 1, Map.of(), 4, 0, "float32",
              TransportTestSupport.LAYOUT, false)).toBuilder()
              .setLayout(dev.fedge.transport.proto.Layout.newBuilder().addTensors(
                  dev.fedge.transport.proto.TensorSpec.newBuilder().setName("w").addShape(0))))
          .build();

      FederationException e =
          assertThrows(FederationException.class, () -> client.upload(header, new byte[4]));

      assertEquals(FederationException.Code.INVALID_ARGUMENT, e.code());
      assertEquals("tensor 'w': every dimension must be >= 1, got [0]", e.getMessage());
    }
  }

  @Test
  void uploadResult_malformedMessage_isInvalidWithReason() throws Exception {
    ManagedChannel ch = support.channel();
    try (FederationClient client = support.registered()) {
      String credential = support.handler.clientsByCredential.keySet().iterator().next();

      // a header field claiming 127 bytes, followed by 2
      Status status = RawUpload.send(ch, credential, new byte[] {0x0a, 0x7f, 0x01, 0x02},
          Duration.ofSeconds(10));

      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
      assertTrue(status.getDescription().startsWith("malformed UploadChunk message: "),
          status.getDescription());
      assertEquals("c1", support.handler.rejected.get(0).clientId());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void uploadResult_withoutCredential_isUnauthenticated() {
    try (FederationClient client = support.client()) {
      FederationException e = assertThrows(FederationException.class, () -> client.uploadResult(
          "t1", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, new byte[8]));

      assertEquals(FederationException.Code.UNAUTHENTICATED, e.code());
      assertFalse(support.handler.headers.containsKey("t1"));
    }
  }

  @Test
  void uploads_beyondPermits_waitAndThenSucceed() throws Exception {
    support.close();
    support = new TransportTestSupport(1);
    byte[] a = TransportTestSupport.randomBytes(3 * FederationService.CHUNK_SIZE, 9);
    byte[] b = TransportTestSupport.randomBytes(3 * FederationService.CHUNK_SIZE, 10);
    try (FederationClient ca = support.registered(); FederationClient cb = support.registered()) {
      CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> ca.uploadResult(
          "ta", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, a));
      CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> cb.uploadResult(
          "tb", 1, Map.of(), "float32", TransportTestSupport.LAYOUT, false, b));

      fa.get(30, TimeUnit.SECONDS);
      fb.get(30, TimeUnit.SECONDS);

      assertArrayEquals(a, support.handler.uploads.get("ta").get());
      assertArrayEquals(b, support.handler.uploads.get("tb").get());
      assertEquals(1, support.service.permits().available());
    }
  }

  @Test
  void reportEvaluation_reachesHandler() {
    try (FederationClient client = support.registered()) {
      client.reportEvaluation("e1", new EvaluateRes(0.4, 50, Map.of("accuracy", 0.9)));

      assertEquals(new EvaluateRes(0.4, 50, Map.of("accuracy", 0.9)),
          support.handler.evaluations.get("e1"));
    }
  }

  @Test
  void reportFailure_reachesHandler_asOneLine() {
    ModelBlob model = ModelBlob.of("m5", TransportTestSupport.randomBytes(96, 13));
    try (FederationClient client = support.registered()) {
      support.handler.post("c1", TransportTestSupport.fitTask("t7", model));

      client.reportFailure("t7", "local data file corrupt:\n  train.idx: bad magic 0x0000\r\n");

      assertEquals("local data file corrupt: train.idx: bad magic 0x0000",
          support.handler.failures.get("t7"));
    }
  }

  @Test
  void reportFailure_unknownOrRepeated_isRefusedWithTheHandlersReason() {
    ModelBlob model = ModelBlob.of("m6", TransportTestSupport.randomBytes(96, 14));
    try (FederationClient client = support.registered()) {
      support.handler.post("c1", TransportTestSupport.fitTask("t8", model));
      client.reportFailure("t8", "NaN loss");

      FederationException unknown = assertThrows(FederationException.class,
          () -> client.reportFailure("t-nope", "out of memory"));
      FederationException again = assertThrows(FederationException.class,
          () -> client.reportFailure("t8", "NaN loss"));

      assertEquals(FederationException.Code.NOT_FOUND, unknown.code());
      assertEquals("unknown task 't-nope'", unknown.getMessage());
      assertEquals(FederationException.Code.FAILED_PRECONDITION, again.code());
      assertEquals("NaN loss", support.handler.failures.get("t8"));
      assertEquals(new TestHandler.Rejected("c1", "ReportFailure",
          FederationException.Code.NOT_FOUND, "unknown task 't-nope'"),
          support.handler.rejected.get(0));
    }
  }

  @Test
  void reportFailure_fromAClientThatDoesNotClean_isCleanedByTheServer() {
    ModelBlob model = ModelBlob.of("m7", TransportTestSupport.randomBytes(96, 15));
    ManagedChannel ch = support.channel();
    try (FederationClient client = support.registered()) {
      support.handler.post("c1", TransportTestSupport.fitTask("t9", model));
      support.handler.post("c1", TransportTestSupport.fitTask("t10", model));
      String credential = support.handler.clientsByCredential.keySet().iterator().next();
      Metadata md = new Metadata();
      md.put(FederationService.AUTHORIZATION, "Bearer " + credential);
      FederationGrpc.FederationBlockingStub raw = FederationGrpc.newBlockingStub(ch)
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md));

      raw.reportFailure(FailureReport.newBuilder().setTaskId("t9").setReason("x".repeat(5000))
          .build());
      raw.reportFailure(FailureReport.newBuilder().setTaskId("t10").setReason(" \n\t ").build());

      String cut = support.handler.failures.get("t9");
      assertEquals(FederationHandler.MAX_FAILURE_REASON, cut.length());
      assertEquals("x".repeat(FederationHandler.MAX_FAILURE_REASON - 3) + "...", cut);
      assertEquals("no reason given", support.handler.failures.get("t10"));
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void register_again_sendsThePreviousCredential_aFreshClientSendsNone() {
    try (FederationClient client = support.client(); FederationClient fresh = support.client()) {
      Registration first = client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);
      client.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS);
      fresh.register(TestHandler.TOKEN, "dev", TransportTestSupport.FACTS, null);

      assertEquals(List.of("", first.credential(), ""), support.handler.previousCredentials);
    }
  }

  @Test
  void statusRuntimeException_isNotLeakedToCallers() {
    try (FederationClient client = support.client()) {
      RuntimeException e = assertThrows(RuntimeException.class,
          () -> client.pullTask(Duration.ZERO));

      assertFalse(e instanceof StatusRuntimeException);
    }
  }

  private static UploadChunk header(String taskId, long length, int crc) {
    return UploadChunk.newBuilder().setHeader(Protos.toProto(new UploadHeader(
        taskId, 1, Map.of(), length, crc, "float32",
        ParameterLayout.of(new TensorSpec("w", new int[] {2})), false))).build();
  }
}

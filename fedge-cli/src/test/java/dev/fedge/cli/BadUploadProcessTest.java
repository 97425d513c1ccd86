package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.transport.RawUpload;
import dev.fedge.transport.proto.DeviceFacts;
import dev.fedge.transport.proto.DownloadModelRequest;
import dev.fedge.transport.proto.FederationGrpc;
import dev.fedge.transport.proto.HeartbeatRequest;
import dev.fedge.transport.proto.Layout;
import dev.fedge.transport.proto.ModelChunk;
import dev.fedge.transport.proto.PullTaskRequest;
import dev.fedge.transport.proto.PullTaskResponse;
import dev.fedge.transport.proto.RegisterRequest;
import dev.fedge.transport.proto.RegisterResponse;
import dev.fedge.transport.proto.Task;
import dev.fedge.transport.proto.TensorSpec;
import dev.fedge.transport.proto.UploadChunk;
import dev.fedge.transport.proto.UploadHeader;
import dev.fedge.transport.proto.UploadResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad upload, sent with a raw gRPC stub to a real {@code fedge server} process: each
 * is refused with a status that says why, logged as an event, and the global model is untouched.
 */
@Timeout(240)
class BadUploadProcessTest {

  private static final Metadata.Key<String> AUTH =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  private FedgeProcess server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  private FederationGrpc.FederationBlockingStub stub(String credential) {
    Metadata md = new Metadata();
    md.put(AUTH, "Bearer " + credential);
    return FederationGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(90, TimeUnit.SECONDS);
  }

  private Status upload(String credential, List<UploadChunk> chunks) throws Exception {
    Metadata md = new Metadata();
    md.put(AUTH, "Bearer " + credential);
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<UploadChunk> requests = FederationGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .uploadResult(new StreamObserver<UploadResponse>() {
          @Override
          public void onNext(UploadResponse value) {}

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    for (UploadChunk c : chunks) {
      requests.onNext(c);
    }
    requests.onCompleted();
    return done.get(60, TimeUnit.SECONDS);
  }

  private static List<UploadChunk> chunks(UploadHeader header, byte[] data) {
    List<UploadChunk> out = new ArrayList<>();
    out.add(UploadChunk.newBuilder().setHeader(header).build());
    for (int off = 0; off < data.length; off += 1 << 20) {
      int n = Math.min(1 << 20, data.length - off);
      out.add(UploadChunk.newBuilder().setData(ByteString.copyFrom(data, off, n)).build());
    }
    return out;
  }

  private static UploadHeader header(Task task, Layout layout, long length, int crc) {
    return UploadHeader.newBuilder().setTaskId(task.getTaskId()).setNumExamples(10)
        .setTotalLength(length).setCrc32C(crc).setCodec("float32")
        .setLayout(layout).build();
  }

  private static int crc32c(byte[] data) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(data);
    return (int) c.getValue();
  }

  private byte[] download(String credential, Task task) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Iterator<ModelChunk> it = stub(credential).downloadModel(
        DownloadModelRequest.newBuilder().setModelId(task.getModelId()).build());
    while (it.hasNext()) {
      it.next().getData().writeTo(out);
    }
    return out.toByteArray();
  }

  private Task pull(String credential) {
    PullTaskResponse r = stub(credential).pullTask(
        PullTaskRequest.newBuilder().setWaitMillis(60_000).build());
    assertTrue(r.hasTask(), r::toString);
    return r.getTask();
  }

  private static void assertStatus(Status.Code code, String reasonPart, Status s) {
    assertEquals(code, s.getCode(), s::toString);
    assertTrue(s.getDescription() != null && s.getDescription().contains(reasonPart),
        s.getDescription());
  }

  @Test
  void badUploads_areRefusedWithReasons_logged_andTheModelIsUntouched() throws Exception {
    int port = FederationProcessTest.freePort();
    Path state = dir.resolve("state");
    server = FedgeProcess.start("server", dir, "server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--http-port", "0", "--state-dir", state.toString(), "--min-clients", "1",
        "--min-results", "1", "--rounds", "1", "--run", "bad", "--test-limit", "100",
        "--threads", "1", "--data-dir", dir.resolve("data").toString(), "--exit-when-done");
    server.awaitLine("listening on", Duration.ofSeconds(60));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();

    // an unknown client
    StatusRuntimeException stranger = org.junit.jupiter.api.Assertions.assertThrows(
        StatusRuntimeException.class,
        () -> stub("not-a-credential").heartbeat(HeartbeatRequest.getDefaultInstance()));
    assertStatus(Status.Code.UNAUTHENTICATED, "unknown client credential", stranger.getStatus());

    RegisterResponse reg = FederationGrpc.newBlockingStub(channel).register(
        RegisterRequest.newBuilder().setName("raw-stub").setFacts(
            DeviceFacts.newBuilder().setOs("test").setArch("x").setCores(1)).build());
    String cred = reg.getCredential();
    Task task = pull(cred);
    Layout layout = task.getLayout();
    byte[] model = download(cred, task);
    assertEquals(task.getModelLength(), model.length);
    int sha = crc32c(model);

    // refusals that leave the task open (the client may send again)
    assertStatus(Status.Code.INVALID_ARGUMENT, "malformed UploadChunk message",
        RawUpload.send(channel, cred, new byte[] {0x0a, 0x7f, 0x01, 0x02}, Duration.ofSeconds(30)));
    byte[] half = java.util.Arrays.copyOf(model, model.length / 2);
    assertStatus(Status.Code.INVALID_ARGUMENT, "truncated upload",
        upload(cred, chunks(header(task, layout, model.length, sha), half)));
    byte[] flipped = model.clone();
    flipped[1234] ^= 1;
    assertStatus(Status.Code.DATA_LOSS, "is corrupted",
        upload(cred, chunks(header(task, layout, model.length, sha), flipped)));
    assertStatus(Status.Code.NOT_FOUND, "unknown task 't-nope'",
        upload(cred, chunks(header(task, layout, model.length, sha).toBuilder()
            .setTaskId("t-nope").build(), model)));
    UploadChunk huge = UploadChunk.newBuilder()
        .setData(ByteString.copyFrom(new byte[5 << 20])).build();
    assertStatus(Status.Code.RESOURCE_EXHAUSTED, "exceeds maximum",
        upload(cred, List.of(UploadChunk.newBuilder()
            .setHeader(header(task, layout, model.length, sha)).build(), huge)));

    // refusals of the content: the task fails, the round is run again with a new task
    ByteBuffer nan = ByteBuffer.wrap(model.clone()).order(ByteOrder.LITTLE_ENDIAN);
    nan.putFloat(4 * 10, Float.NaN);
    byte[] nanBytes = nan.array();
    assertStatus(Status.Code.INVALID_ARGUMENT, "non-finite value (NaN) at index 10",
        upload(cred, chunks(header(task, layout, model.length, crc32c(nanBytes)), nanBytes)));

    Task t2 = pull(cred);
    Layout wrong = layout.toBuilder().setTensors(0, TensorSpec.newBuilder()
        .setName(layout.getTensors(0).getName()).addShape(3)).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "layout does not match the model",
        upload(cred, chunks(header(t2, wrong, model.length, sha), model)));

    Task t3 = pull(cred);
    byte[] big = new byte[model.length * 3];
    assertStatus(Status.Code.RESOURCE_EXHAUSTED, "larger than allowed",
        upload(cred, chunks(header(t3, layout, big.length, crc32c(big)), big)));

    Task t4 = pull(cred);
    byte[] small = java.util.Arrays.copyOf(model, model.length - 4);
    assertStatus(Status.Code.INVALID_ARGUMENT, "does not match the model",
        upload(cred, chunks(header(t4, layout, small.length, crc32c(small)), small)));

    // a good upload (the model sent back unchanged), then the same again
    Task t5 = pull(cred);
    assertEquals(Status.Code.OK,
        upload(cred, chunks(header(t5, layout, model.length, sha), model)).getCode());
    assertStatus(Status.Code.ALREADY_EXISTS, "already has a result",
        upload(cred, chunks(header(t5, layout, model.length, sha), model)));

    assertEquals(0, server.awaitExit(Duration.ofSeconds(120)), server::tail);
    ModelStore store = new ModelStore(state.resolve("models"));
    assertArrayEquals(store.load(new ModelKey("default", "bad", 0)).values(),
        store.load(new ModelKey("default", "bad", 1)).values(),
        "the rejected updates must not reach the global model");
    try (StateStore s = StateStore.open(state.resolve("fedge.db"))) {
      List<String> rejected = s.events(EventRecord.REJECTED).stream()
          .map(EventRecord::message).toList();
      for (String reason : List.of("unknown client credential", "malformed UploadChunk",
          "truncated upload", "is corrupted", "unknown task", "non-finite value",
          "layout does not match", "larger than allowed", "does not match the model",
          "already has a result")) {
        assertTrue(rejected.stream().anyMatch(m -> m.contains(reason)),
            reason + " not in " + rejected);
      }
      assertEquals(4, s.events(EventRecord.ROUND_INCOMPLETE).size());
      assertEquals(1, s.rounds("bad").size());
    }
    assertTrue(server.hasLine("UploadResult refused \\(INVALID_ARGUMENT\\): update has a"
        + " non-finite value"), server::tail);
  }
}

package dev.fedge.transport;

import com.google.protobuf.UnsafeByteOperations;
import dev.fedge.transport.proto.UploadChunk;
import dev.fedge.transport.proto.UploadResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;

/**
 * The device's side of a result upload: sends the first message, then the data in chunks of
 * {@link FederationService#CHUNK_SIZE} as fast as flow control allows.
 */
final class UploadSender implements ClientResponseObserver<UploadChunk, UploadResponse> {

  private final UploadChunk first;
  private final byte[] data;
  private final CompletableFuture<UploadResponse> done = new CompletableFuture<>();
  private ClientCallStreamObserver<UploadChunk> requests;
  private boolean headerSent;
  private int offset;
  private boolean finished;
  private UploadResponse response;

  UploadSender(UploadChunk first, byte[] data) {
    this.first = first;
    this.data = data;
  }

  /** Completes with the server's answer, or exceptionally with the call's failure. */
  CompletableFuture<UploadResponse> done() {
    return done;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<UploadChunk> requests) {
    this.requests = requests;
    requests.setOnReadyHandler(this::pump);
  }

  private synchronized void pump() {
    while (!finished && requests.isReady()) {
      if (!headerSent) {
        requests.onNext(first);
        headerSent = true;
      } else if (offset < data.length) {
        int n = Math.min(FederationService.CHUNK_SIZE, data.length - offset);
        requests.onNext(UploadChunk.newBuilder()
            .setData(UnsafeByteOperations.unsafeWrap(data, offset, n)).build());
        offset += n;
      } else {
        finished = true;
        requests.onCompleted();
      }
    }
  }

  @Override
  public void onNext(UploadResponse value) {
    response = value;
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      finished = true;
    }
    done.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    done.complete(response);
  }
}

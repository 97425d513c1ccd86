package dev.fedge.transport;

import static dev.fedge.transport.FederationService.MAX_UPLOAD_BYTES;
import static dev.fedge.transport.FederationService.asFederation;
import static dev.fedge.transport.FederationService.invalid;
import static dev.fedge.transport.FederationService.outOfMemory;

import com.google.protobuf.ByteString;
import dev.fedge.transport.proto.UploadChunk;
import dev.fedge.transport.proto.UploadResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.zip.CRC32C;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One result upload on the server: header, permit, chunks, checks. Messages arrive one at a time
 * (the call requests 1).
 */
final class UploadCall implements StreamObserver<Incoming<UploadChunk>> {

  private static final Logger LOG = Logger.getLogger(FederationService.class.getName());

  /** Drops messages of a call that was already refused. */
  static final class Ignore<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  private final FederationService service;
  private final FederationHandler handler;
  private final UploadPermits permits;
  private final ServerCallStreamObserver<UploadResponse> call;
  private final String clientId;
  private UploadHeader header;
  private UploadReceiver receiver;
  private Runnable withdraw;
  private boolean permitHeld;
  private boolean waitingForPermit;
  private boolean done;
  private byte[] buffer;
  private int received;
  private CRC32C digest;

  UploadCall(FederationService service, FederationHandler handler, UploadPermits permits,
      ServerCallStreamObserver<UploadResponse> call, String clientId) {
    this.service = service;
    this.handler = handler;
    this.permits = permits;
    this.call = call;
    this.clientId = clientId;
  }

  @Override
  public synchronized void onNext(Incoming<UploadChunk> in) {
    if (done) {
      return;
    }
    try {
      if (in.error() != null) {
        throw invalid(in.error());
      }
      UploadChunk chunk = in.message();
      if (header == null) {
        onHeader(chunk);
      } else {
        onData(chunk);
      }
    } catch (RuntimeException e) {
      fail(asFederation(e));
    }
  }

  private void onHeader(UploadChunk chunk) {
    if (!chunk.hasHeader()) {
      throw invalid("the first message of an upload must be its header, got "
          + chunk.getPartCase());
    }
    UploadHeader h = Protos.fromProto(chunk.getHeader());
    if (h.totalLength() > MAX_UPLOAD_BYTES) {
      throw new FederationException(FederationException.Code.RESOURCE_EXHAUSTED,
          "upload for task " + h.taskId() + " announces " + h.totalLength()
              + " bytes, more than the " + MAX_UPLOAD_BYTES + " allowed");
    }
    header = h;
    receiver = handler.beginUpload(clientId, h);
    waitingForPermit = true;
    withdraw = permits.acquire(this::granted);
  }

  private synchronized void granted() {
    waitingForPermit = false;
    permitHeld = true;
    if (done) {
      releasePermit();
      return;
    }
    try {
      buffer = permits.buffer((int) header.totalLength());
    } catch (OutOfMemoryError e) {
      fail(outOfMemory());
      return;
    }
    digest = new CRC32C();
    call.request(1);
  }

  private void onData(UploadChunk chunk) {
    if (chunk.getPartCase() != UploadChunk.PartCase.DATA) {
      throw invalid("upload for task " + header.taskId() + ": expected data, got a second "
          + chunk.getPartCase());
    }
    ByteString data = chunk.getData();
    if ((long) received + data.size() > header.totalLength()) {
      throw new FederationException(FederationException.Code.RESOURCE_EXHAUSTED,
          "upload for task " + header.taskId() + " sends more than the announced "
              + header.totalLength() + " bytes");
    }
    data.copyTo(buffer, received);
    digest.update(buffer, received, data.size());
    received += data.size();
    call.request(1);
  }

  @Override
  public synchronized void onCompleted() {
    if (done) {
      return;
    }
    try {
      if (header == null) {
        throw invalid("empty upload: no header");
      }
      if (buffer == null || received < header.totalLength()) {
        throw invalid("truncated upload for task " + header.taskId() + ": received "
            + received + " of " + header.totalLength() + " bytes");
      }
      int actual = (int) digest.getValue();
      if (actual != header.crc32c()) {
        throw new FederationException(FederationException.Code.DATA_LOSS,
            "upload for task " + header.taskId() + " is corrupted: crc32c of the bytes is "
                + String.format("%08x", actual) + ", the header says "
                + String.format("%08x", header.crc32c()));
      }
      byte[] data = buffer;
      buffer = null;
      try {
        receiver.complete(data);
      } finally {
        permits.recycle(data); // complete() has decoded what it keeps; the array is reused
      }
      receiver = null;
      done = true;
      releasePermit();
      call.onNext(UploadResponse.newBuilder()
          .setTaskId(header.taskId()).setReceivedBytes(received).build());
      call.onCompleted();
    } catch (RuntimeException e) {
      fail(asFederation(e));
    } catch (OutOfMemoryError e) {
      fail(outOfMemory());
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  synchronized void cancelled() {
    if (done) {
      return;
    }
    done = true;
    cleanup("upload cancelled by the client after " + received + " bytes");
  }

  private void fail(FederationException e) {
    done = true;
    cleanup(e.getMessage());
    service.reject(call, clientId, "UploadResult", e);
  }

  private void cleanup(String reason) {
    if (buffer != null) {
      permits.recycle(buffer);
    }
    buffer = null;
    if (waitingForPermit && withdraw != null) {
      withdraw.run();
      waitingForPermit = false;
    }
    releasePermit();
    if (receiver != null) {
      UploadReceiver r = receiver;
      receiver = null;
      try {
        r.abort(reason);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "upload receiver failed to abort", e);
      }
    }
  }

  private void releasePermit() {
    if (permitHeld) {
      permitHeld = false;
      permits.release();
    }
  }
}

package dev.fedge.transport;

import dev.fedge.transport.proto.FederationGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends bytes that need not parse as an {@code UploadChunk} on the {@code UploadResult} call, as a
 * broken or hostile client would, and returns the status the server closes the call with.
 *
 * <p>Shared with other modules' tests through fedge-transport's test-jar ({@code
 * <type>test-jar</type>}).
 */
public final class RawUpload {

  private static final MethodDescriptor<byte[], byte[]> UPLOAD_RESULT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
          .setFullMethodName(FederationGrpc.getUploadResultMethod().getFullMethodName())
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  private RawUpload() {}

  /**
   * Sends one raw message, then half-closes, and waits for the server to close the call.
   *
   * @param channel a channel to a federation server
   * @param credential the client credential, sent as {@code authorization: Bearer CREDENTIAL}
   * @param message the message bytes, sent as they are
   * @param timeout how long to wait for the server to close the call
   * @return the closing status
   * @throws InterruptedException if interrupted while waiting
   * @throws ExecutionException never in practice: the status completes normally
   * @throws TimeoutException if the server does not close the call in time
   */
  public static Status send(Channel channel, String credential, byte[] message, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    ClientCall<byte[], byte[]> call = channel.newCall(UPLOAD_RESULT, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    Metadata md = new Metadata();
    md.put(FederationService.AUTHORIZATION, "Bearer " + credential);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, md);
    call.request(1);
    call.sendMessage(message);
    call.halfClose();
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Bytes as they are. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

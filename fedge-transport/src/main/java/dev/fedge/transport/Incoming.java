package dev.fedge.transport;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.InputStream;

/**
 * A request message as received: either parsed, or the reason it could not be parsed. gRPC's own
 * protobuf marshaller turns a malformed message into an "application error" without a reason;
 * with this one the service answers {@code INVALID_ARGUMENT} and says what was wrong.
 *
 * @param message the parsed message, or null
 * @param error why parsing failed, or null
 * @param <T> the message type
 */
record Incoming<T>(T message, String error) {

  /** A marshaller that never throws on parse. */
  static <T extends Message> Marshaller<Incoming<T>> marshaller(T defaultInstance) {
    Marshaller<T> proto = ProtoUtils.marshaller(defaultInstance);
    String type = defaultInstance.getDescriptorForType().getName();
    return new Marshaller<>() {
      @Override
      public InputStream stream(Incoming<T> value) {
        return proto.stream(value.message());
      }

      @Override
      public Incoming<T> parse(InputStream stream) {
        try {
          return new Incoming<>(proto.parse(stream), null);
        } catch (StatusRuntimeException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          return new Incoming<>(null, "malformed " + type + " message: " + cause.getMessage());
        } catch (RuntimeException e) {
          return new Incoming<>(null, "malformed " + type + " message: " + e.getMessage());
        }
      }
    };
  }
}

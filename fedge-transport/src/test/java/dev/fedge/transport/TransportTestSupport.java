package dev.fedge.transport;

import dev.fedge.api.Config;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** An in-process server with a {@link TestHandler}, and helpers. */
final class TransportTestSupport implements AutoCloseable {

  static final ParameterLayout LAYOUT =
      ParameterLayout.of(new TensorSpec("w", new int[] {4, 5}), new TensorSpec("b", new int[] {4}));

  static final DeviceFacts FACTS =
      new DeviceFacts("Linux 6.1", "amd64", 2, 1L << 33, 1L << 30, "none", "generic",
          Map.of("hostname", "test"));

  final TestHandler handler = new TestHandler();
  final FederationService service;
  private final Server server;
  private final String name = InProcessServerBuilder.generateName();

  TransportTestSupport(int maxConcurrentUploads) throws IOException {
    service = new FederationService(handler, maxConcurrentUploads);
    server = InProcessServerBuilder.forName(name).addService(service.definition()).build().start();
  }

  ManagedChannel channel() {
    return InProcessChannelBuilder.forName(name).build();
  }

  FederationClient client() {
    return new FederationClient(channel());
  }

  FederationClient registered() {
    FederationClient c = client();
    c.register(TestHandler.TOKEN, "dev", FACTS);
    return c;
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i += 8) {
      long v = r.nextLong();
      for (int k = 0; k < 8 && i + k < n; k++) {
        b[i + k] = (byte) (v >>> (8 * k));
      }
    }
    return b;
  }

  static TaskSpec fitTask(String id, ModelBlob model) {
    return new TaskSpec(id, TaskSpec.Kind.FIT, 1, "run1", Config.of("lr", 0.05, "local_epochs", 1),
        model.ref(), LAYOUT, "float32", false);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}

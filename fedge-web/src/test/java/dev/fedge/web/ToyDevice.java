package dev.fedge.web;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.TaskSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A device on the real protocol (gRPC) that "trains" by adding one to every value of the global
 * model, heartbeats with telemetry, and delivers each result only when the test lets it (one permit
 * of the gate per result), so that rounds complete when the test says.
 */
final class ToyDevice implements AutoCloseable {

  private final Thread thread;
  private volatile boolean stop;

  ToyDevice(int port, String name, String deviceClass, double temperature, Semaphore gate) {
    this(port, name, deviceClass, temperature, gate, "");
  }

  /** As the other constructor, registering with this enroll token. */
  ToyDevice(int port, String name, String deviceClass, double temperature, Semaphore gate,
      String enrollToken) {
    DeviceFacts facts =
        new DeviceFacts(
            "Linux 6.1",
            "aarch64",
            4,
            8L << 30,
            1L << 30,
            "none",
            deviceClass,
            Map.of("hostname", name));
    thread = new Thread(() -> loop(port, name, facts, temperature, gate, enrollToken), "toy-device-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(int port, String name, DeviceFacts facts, double temperature, Semaphore gate,
      String enrollToken) {
    try (FederationClient c = FederationClient.connect("127.0.0.1:" + port, null)) {
      c.register(enrollToken, name, facts);
      while (!stop) {
        try {
          c.heartbeat(new Telemetry(temperature, 2L << 30, 0.5, System.currentTimeMillis()));
          Optional<TaskSpec> task = c.pullTask(Duration.ofMillis(200));
          if (task.isEmpty()) {
            continue;
          }
          TaskSpec s = task.get();
          Parameters global = new Float32Codec().decode(s.layout(), c.downloadModel(s.model()));
          float[] v = global.values().clone();
          float[] diff = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            v[i] += 1;
            diff[i] = 1;
          }
          while (!stop && !gate.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            c.heartbeat(new Telemetry(temperature, 2L << 30, 0.5, System.currentTimeMillis()));
          }
          if (stop) {
            return;
          }
          WireCodec codec = Codecs.byName(s.codec());
          byte[] data = codec.encode(new Parameters(s.layout(), s.delta() ? diff : v));
          c.uploadResult(
              s.taskId(), 10, Map.of("loss", 1.0), s.codec(), s.layout(), s.delta(), data);
        } catch (FederationException e) {
          if (e.code() == FederationException.Code.UNAUTHENTICATED) {
            c.register(enrollToken, name, facts);
          } else {
            Thread.sleep(100);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}

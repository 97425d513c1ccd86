package dev.fedge.server;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A device for tests, on the real protocol (gRPC, through {@link FederationClient}): it registers,
 * pulls tasks and "trains" by adding a constant to every value of the global model, uploading the
 * result in the task's codec (the difference when the task asks for a delta). It answers evaluate
 * tasks as a re-ID device would (retrieval on 4 valid queries: rank-1 0.25, rank-5 0.5, rank-10
 * 0.75, mAP 0.125; no loss). Optionally it heartbeats with a temperature, and delivers each result
 * only when the test lets it (one permit of a gate per result), so that rounds complete when the
 * test says. When the server no longer knows it (UNAUTHENTICATED) it registers again; after any
 * other refusal it waits 100 ms and pulls again.
 *
 * <p>It runs on its own daemon thread from {@link Builder#start()} until {@link #close()}:
 *
 * <pre>{@code
 * try (ToyDevice pi = ToyDevice.builder(server.port(), "pi1").deviceClass("rpi").start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Shared with the tests of the modules above through fedge-server's test-jar; it lives here,
 * not in fedge-transport's, because it needs the codecs of fedge-strategy.
 */
public final class ToyDevice implements AutoCloseable {

  /** How long one pull waits for a task. */
  private static final Duration PULL_WAIT = Duration.ofMillis(200);

  /** The answer to every evaluate task. */
  private static final EvaluateRes EVALUATION = new EvaluateRes(Double.NaN, 4,
      Map.of("rank1", 0.25, "rank5", 0.5, "rank10", 0.75, "mAP", 0.125));

  private final int port;
  private final String name;
  private final DeviceFacts facts;
  private final double temperature;
  private final boolean heartbeats;
  private final Semaphore gate;
  private final String enrollToken;
  private final float added;
  private final Function<TaskSpec, Map<String, Double>> metricsOf;
  private final Thread thread;
  private volatile boolean stop;

  private ToyDevice(Builder b) {
    port = b.port;
    name = b.name;
    facts = b.facts != null ? b.facts : DeviceFacts.unknown();
    temperature = b.temperature;
    heartbeats = b.heartbeats;
    gate = b.gate;
    enrollToken = b.enrollToken;
    added = b.added;
    metricsOf = b.metricsOf;
    thread = new Thread(this::loop, "toy-device-" + name);
    thread.setDaemon(true);
  }

  /**
   * A builder for a device called {@code name} that talks to the federation server on this port of
   * 127.0.0.1.
   *
   * @param port the server's federation (gRPC) port
   * @param name the name the device registers with
   * @return the builder, with the defaults its methods describe
   */
  public static Builder builder(int port, String name) {
    return new Builder(port, name);
  }

  /**
   * The facts the device registers with: Linux 6.1 on aarch64, 4 cores, 8 GiB memory, 1 GiB disk,
   * no accelerator, this device class and the device's name as its hostname.
   *
   * @param name the device's name (its hostname)
   * @param deviceClass the device class
   * @return the facts
   */
  public static DeviceFacts facts(String name, String deviceClass) {
    return new DeviceFacts(
        "Linux 6.1", "aarch64", 4, 8L << 30, 1L << 30, "none", deviceClass,
        Map.of("hostname", name));
  }

  private void loop() {
    try (FederationClient c = FederationClient.connect("127.0.0.1:" + port, null)) {
      c.register(enrollToken, name, facts);
      while (!stop) {
        try {
          heartbeat(c);
          Optional<TaskSpec> task = c.pullTask(PULL_WAIT);
          if (task.isEmpty()) {
            continue;
          }
          TaskSpec s = task.get();
          if (s.kind() == TaskSpec.Kind.EVALUATE) {
            c.reportEvaluation(s.taskId(), EVALUATION);
            continue;
          }
          Parameters global = new Float32Codec().decode(s.layout(), c.downloadModel(s.model()));
          float[] v = global.values().clone();
          float[] diff = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            v[i] += added;
            diff[i] = added;
          }
          WireCodec codec = Codecs.byName(s.codec());
          byte[] data = codec.encode(new Parameters(s.layout(), s.delta() ? diff : v));
          Map<String, Double> metrics = metricsOf.apply(s);
          while (!stop && gate != null && !gate.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            heartbeat(c);
          }
          if (stop) {
            return;
          }
          c.uploadResult(s.taskId(), 10, metrics, s.codec(), s.layout(), s.delta(), data);
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

  private void heartbeat(FederationClient c) {
    if (heartbeats) {
      c.heartbeat(new Telemetry(temperature, 2L << 30, 0.5, System.currentTimeMillis()));
    }
  }

  /**
   * Stops the device and waits up to 10 s for its thread to end; a result held at the gate is not
   * delivered.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }

  /** What a {@link ToyDevice} is: each method says its default. */
  public static final class Builder {

    private final int port;
    private final String name;
    private DeviceFacts facts;
    private double temperature = Double.NaN;
    private boolean heartbeats;
    private Semaphore gate;
    private String enrollToken = "";
    private float added = 1;
    private Function<TaskSpec, Map<String, Double>> metricsOf = task -> Map.of("loss", 1.0);

    private Builder(int port, String name) {
      this.port = port;
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Registers with {@link ToyDevice#facts(String, String) facts(name, deviceClass)}; by default
     * the device registers with {@link DeviceFacts#unknown()}.
     *
     * @param deviceClass the device class
     * @return this builder
     */
    public Builder deviceClass(String deviceClass) {
      return facts(ToyDevice.facts(name, deviceClass));
    }

    /**
     * Registers with these facts (by default {@link DeviceFacts#unknown()}).
     *
     * @param facts the facts
     * @return this builder
     */
    public Builder facts(DeviceFacts facts) {
      this.facts = Objects.requireNonNull(facts, "facts");
      return this;
    }

    /**
     * Heartbeats with this temperature (degrees Celsius; NaN for none) before each pull and while
     * a result waits at the gate; by default the device sends no heartbeats.
     *
     * @param celsius the temperature
     * @return this builder
     */
    public Builder temperature(double celsius) {
      this.temperature = celsius;
      this.heartbeats = true;
      return this;
    }

    /**
     * Delivers each result only after taking one permit of this gate; by default each result is
     * delivered at once.
     *
     * @param gate the gate
     * @return this builder
     */
    public Builder gate(Semaphore gate) {
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * Registers with this enroll token (by default "", none).
     *
     * @param token the token
     * @return this builder
     */
    public Builder enrollToken(String token) {
      this.enrollToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * "Trains" by adding this to every value of the global model (by default 1).
     *
     * @param amount the amount added
     * @return this builder
     */
    public Builder adds(float amount) {
      this.added = amount;
      return this;
    }

    /**
     * Reports the fit metrics this function makes from each fit task (by default loss 1.0), called
     * on the device's thread before the result waits at the gate (it may take its time: a slow
     * device).
     *
     * @param metricsOf the metrics of each task
     * @return this builder
     */
    public Builder metrics(Function<TaskSpec, Map<String, Double>> metricsOf) {
      this.metricsOf = Objects.requireNonNull(metricsOf, "metricsOf");
      return this;
    }

    /**
     * Starts the device on its own daemon thread.
     *
     * @return the running device; close it to stop it
     */
    public ToyDevice start() {
      ToyDevice d = new ToyDevice(this);
      d.thread.start();
      return d;
    }
  }
}

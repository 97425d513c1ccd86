package dev.fedge.web.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Prometheus metrics (Micrometer), scraped at {@code /metrics}:
 *
 * <ul>
 *   <li>{@code fedge_rounds_total}: completed rounds;
 *   <li>{@code fedge_round_duration_seconds}: wall time per round (count, sum, max);
 *   <li>{@code fedge_network_received_bytes_total} and {@code fedge_network_sent_bytes_total}:
 *       model bytes over the network;
 *   <li>{@code fedge_connected_clients{device_class}}: clients online now, by device class;
 *   <li>{@code fedge_client_failures_total{reason}}: failed client calls, by reason category;
 *   <li>{@code fedge_aggregation_duration_seconds}: time spent aggregating a round;
 *   <li>{@code fedge_predictions_total} and {@code fedge_prediction_duration_seconds}: served
 *       prediction requests.
 * </ul>
 *
 * <p>The web face feeds rounds, failures and connected clients itself from the server's state; the
 * transport and coordinator call {@link #bytesReceived}, {@link #bytesSent} and {@link
 * #aggregation} where they see them. Thread-safe.
 */
public final class WebMetrics {

  /** Reason categories of {@code fedge_client_failures_total}. */
  public static final Set<String> REASONS =
      Set.of("timeout", "disconnected", "non_finite", "layout", "rejected", "error", "other");

  private static final java.util.regex.Pattern NON_FINITE =
      java.util.regex.Pattern.compile("\\bnan\\b|\\binf(inite|inity)?\\b|non-finite|not finite");

  /** Device classes of {@code fedge_connected_clients}; others are counted as {@code other}. */
  public static final Set<String> KNOWN_CLASSES =
      Set.of("raspberry-pi", "jetson", "gpu-desktop", "mac", "generic");

  private final PrometheusMeterRegistry registry;
  private final Counter rounds;
  private final Timer roundDuration;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Timer aggregation;
  private final Counter predictions;
  private final Timer predictionDuration;
  private final Map<String, AtomicLong> connected = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  /** Metrics in a new Prometheus registry. */
  public WebMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Metrics in the given registry (e.g. one shared with other parts of the server). */
  public WebMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    rounds = Counter.builder("fedge.rounds").description("Completed rounds").register(registry);
    roundDuration =
        Timer.builder("fedge.round.duration")
            .description("Wall time of a round")
            .register(registry);
    bytesIn =
        Counter.builder("fedge.network.received")
            .description("Bytes received from clients (model updates)")
            .baseUnit("bytes")
            .register(registry);
    bytesOut =
        Counter.builder("fedge.network.sent")
            .description("Bytes sent to clients (global models)")
            .baseUnit("bytes")
            .register(registry);
    aggregation =
        Timer.builder("fedge.aggregation.duration")
            .description("Time spent aggregating the updates of a round")
            .register(registry);
    predictions =
        Counter.builder("fedge.predictions")
            .description("Prediction requests served")
            .register(registry);
    predictionDuration =
        Timer.builder("fedge.prediction.duration")
            .description("Time to serve a prediction request")
            .register(registry);
    for (String c : KNOWN_CLASSES) {
      gauge(c);
    }
    for (String r : REASONS) {
      failureCounter(r);
    }
  }

  /** The Micrometer registry, to add meters of your own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The metrics in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** A round completed after the given wall time. */
  public void roundCompleted(Duration duration) {
    rounds.increment();
    roundDuration.record(duration);
  }

  /** A client failed; the reason is mapped to a category of {@link #REASONS}. */
  public void clientFailed(String reason) {
    failureCounter(reasonCategory(reason)).increment();
  }

  /** Bytes received from a client (an upload). */
  public void bytesReceived(long bytes) {
    bytesIn.increment(Math.max(0, bytes));
  }

  /** Bytes sent to a client (a model download). */
  public void bytesSent(long bytes) {
    bytesOut.increment(Math.max(0, bytes));
  }

  /** A round's aggregation took this long. */
  public void aggregation(Duration duration) {
    aggregation.record(duration);
  }

  /** A prediction request was served. */
  public void predictionServed(Duration duration) {
    predictions.increment();
    predictionDuration.record(duration);
  }

  /**
   * Sets the connected clients per device class; classes not in the map drop to 0.
   *
   * @param byClass number of online clients per device class
   */
  public void connectedClients(Map<String, Integer> byClass) {
    Map<String, Integer> copy = new HashMap<>();
    byClass.forEach((k, v) -> copy.merge(deviceClass(k), v, Integer::sum));
    Set<String> all = new TreeSet<>(connected.keySet());
    all.addAll(copy.keySet());
    for (String c : all) {
      gauge(c).set(copy.getOrDefault(c, 0));
    }
  }

  /** Rounds counted so far. */
  public double roundsCompleted() {
    return rounds.count();
  }

  /** Failures counted so far in a reason category. */
  public double failures(String category) {
    Counter c = failures.get(category);
    return c == null ? 0 : c.count();
  }

  /** Connected clients of a device class as last set. */
  public long connected(String deviceClass) {
    AtomicLong g = connected.get(deviceClass);
    return g == null ? 0 : g.get();
  }

  /**
   * Maps a free-text failure reason ({@code "timeout after PT5M"}, {@code "NaN in update"}, ...) to
   * one of {@link #REASONS}, so the label's values stay few.
   *
   * @param reason the reason as recorded
   * @return its category
   */
  public static String reasonCategory(String reason) {
    String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    if (r.contains("timeout") || r.contains("timed out") || r.contains("deadline")) {
      return "timeout";
    }
    if (r.contains("disconnect")
        || r.contains("heartbeat")
        || r.contains("unavailable")
        || r.contains("connection")) {
      return "disconnected";
    }
    if (NON_FINITE.matcher(r).find()) {
      return "non_finite";
    }
    if (r.contains("layout") || r.contains("shape")) {
      return "layout";
    }
    if (r.contains("reject")
        || r.contains("checksum")
        || r.contains("sha-256")
        || r.contains("too large")
        || r.contains("duplicate")) {
      return "rejected";
    }
    if (r.contains("exception") || r.contains("error") || r.contains("failed")) {
      return "error";
    }
    return "other";
  }

  private static String deviceClass(String c) {
    return c == null || c.isBlank() ? "generic" : KNOWN_CLASSES.contains(c) ? c : "other";
  }

  private AtomicLong gauge(String deviceClass) {
    return connected.computeIfAbsent(
        deviceClass,
        c -> {
          AtomicLong v = new AtomicLong();
          Gauge.builder("fedge.connected.clients", v, AtomicLong::get)
              .description("Clients connected now, by device class")
              .tag("device_class", c)
              .register(registry);
          return v;
        });
  }

  private Counter failureCounter(String category) {
    return failures.computeIfAbsent(
        category,
        c ->
            Counter.builder("fedge.client.failures")
                .description("Client calls that failed, by reason")
                .tag("reason", c)
                .register(registry));
  }
}

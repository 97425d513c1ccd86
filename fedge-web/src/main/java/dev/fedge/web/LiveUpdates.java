package dev.fedge.web;

import dev.fedge.api.ClientFailure;
import dev.fedge.web.metrics.WebMetrics;
import dev.fedge.web.view.DeviceInfo;
import dev.fedge.web.view.EventInfo;
import dev.fedge.web.view.RoundInfo;
import dev.fedge.web.view.RunInfo;
import dev.fedge.web.view.ServerView;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the server's state and pushes what changed to the dashboards over server-sent events; it
 * also feeds the round, failure and connected-client metrics, which it observes from the same
 * changes.
 *
 * <p>Events sent, each with a JSON object as data: {@code devices} ({@code {"devices": [...]}},
 * when any device or its telemetry changed), {@code run} (a run whose status or round changed),
 * {@code round} (a newly finished round, as {@code GET /api/v1/runs/{id}/rounds} shows it) and
 * {@code event} (a new entry of the event log).
 *
 * <p>It polls the state every interval, and at once after {@link #nudge()}.
 */
final class LiveUpdates implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);
  private static final long PING_MILLIS = 15_000;

  private final ServerView view;
  private final WebMetrics metrics;
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor;
  private final Map<String, Integer> runRounds = new HashMap<>();
  private final Map<String, String> runStates = new HashMap<>();
  private String lastDevices = "";
  private long lastEvent;
  private long lastPing = System.currentTimeMillis();
  private boolean started;

  LiveUpdates(ServerView view, WebMetrics metrics) {
    this.view = view;
    this.metrics = metrics;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fedge-web-live");
              t.setDaemon(true);
              return t;
            });
  }

  /** Takes the current state as the baseline (nothing before it is counted) and starts polling. */
  void start(Duration interval) {
    executor.execute(this::baseline);
    executor.scheduleWithFixedDelay(
        this::pollSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Polls now (e.g. right after the server finished a round). */
  void nudge() {
    executor.execute(this::pollSafely);
  }

  /** Adds a dashboard's event stream. */
  void add(SseClient client) {
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    clients.add(client);
    client.sendComment("connected");
  }

  /** Number of open event streams. */
  int clients() {
    return clients.size();
  }

  private synchronized void baseline() {
    try {
      lastEvent = view.lastEventId();
      for (RunInfo r : view.runs()) {
        runRounds.put(r.id(), r.round());
        runStates.put(r.id(), r.status());
      }
      devices();
      started = true;
    } catch (RuntimeException e) {
      LOG.warn("cannot read the server state: {}", e.toString());
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("cannot read the server state: {}", e.toString());
    }
  }

  private synchronized void poll() {
    if (!started) {
      baseline();
      return;
    }
    devices();
    for (RunInfo r : view.runs()) {
      Integer known = runRounds.get(r.id());
      boolean changed =
          known == null || known != r.round() || !r.status().equals(runStates.get(r.id()));
      if (!changed) {
        continue;
      }
      int from = known == null ? 0 : known;
      for (RoundInfo round : view.rounds(r.id())) {
        if (round.round() > from) {
          roundFinished(round);
        }
      }
      runRounds.put(r.id(), r.round());
      runStates.put(r.id(), r.status());
      broadcast("run", JsonViews.run(r));
    }
    List<EventInfo> events = view.events(lastEvent, 500);
    for (EventInfo e : events) {
      broadcast("event", JsonViews.event(e));
      lastEvent = Math.max(lastEvent, e.id());
    }
    long now = System.currentTimeMillis();
    if (now - lastPing > PING_MILLIS) {
      lastPing = now;
      for (SseClient c : clients) {
        send(c, null, "ping");
      }
    }
  }

  private void roundFinished(RoundInfo round) {
    if (metrics != null) {
      metrics.roundCompleted(
          Duration.ofMillis(
              Double.isFinite(round.seconds()) ? Math.round(round.seconds() * 1000) : 0));
      for (ClientFailure f : round.failures()) {
        metrics.clientFailed(f.reason());
      }
      Double agg = round.metrics().get("aggregation_seconds");
      if (agg != null && Double.isFinite(agg)) {
        metrics.aggregation(Duration.ofNanos(Math.round(agg * 1e9)));
      }
      Double sent = round.metrics().get("bytes_sent");
      if (sent != null && Double.isFinite(sent)) {
        metrics.bytesSent(sent.longValue());
      }
      Double received = round.metrics().get("bytes_received");
      if (received != null && Double.isFinite(received)) {
        metrics.bytesReceived(received.longValue());
      }
    }
    broadcast("round", JsonViews.round(round));
  }

  private void devices() {
    List<DeviceInfo> devices = view.devices();
    if (metrics != null) {
      Map<String, Integer> byClass = new TreeMap<>();
      for (DeviceInfo d : devices) {
        if (d.online()) {
          byClass.merge(d.deviceClass(), 1, Integer::sum);
        }
      }
      metrics.connectedClients(byClass);
    }
    String json =
        JsonViews.write(Map.of("devices", devices.stream().map(JsonViews::device).toList()));
    if (!json.equals(lastDevices)) {
      lastDevices = json;
      for (SseClient c : clients) {
        send(c, "devices", json);
      }
    }
  }

  private void broadcast(String event, Object data) {
    String json = JsonViews.write(data);
    for (SseClient c : clients) {
      send(c, event, json);
    }
  }

  private void send(SseClient c, String event, String data) {
    try {
      if (c.terminated()) {
        clients.remove(c);
      } else if (event == null) {
        c.sendComment(data);
      } else {
        c.sendEvent(event, data);
      }
    } catch (RuntimeException e) {
      clients.remove(c);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    for (SseClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        // the stream is gone already
      }
    }
    clients.clear();
  }
}

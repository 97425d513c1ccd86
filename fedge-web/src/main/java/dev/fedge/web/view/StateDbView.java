package dev.fedge.web.view;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import dev.fedge.server.FederationServer;
import java.io.IOException;
import dev.fedge.server.state.DeviceSpeed;
import dev.fedge.server.state.StateDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link ServerView} that reads the server's state (a SQLite file or a PostgreSQL database, the
 * tables of fedge-server's state migrations: runs, rounds, participants, metrics, devices, events)
 * over its own read-only JDBC connection, so the dashboard never waits on the server's writes (a
 * SQLite file is in WAL mode).
 * Whether a device is online, and its freshest telemetry, come from a {@link DeviceStatus}.
 *
 * <p>Thread-safe: calls are serialised on the one connection. A missing state file reads as an
 * empty server, and so do
 * tables the server has not created yet.
 */
public final class StateDbView implements ServerView, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StateDb where;
  private final DeviceStatus status;
  private Connection db;

  /**
   * A view on the server's state.
   *
   * @param where the state (e.g. the server's {@code StateStore.db()})
   * @param status says which devices are online
   */
  public StateDbView(StateDb where, DeviceStatus status) {
    this.where = where;
    this.status = status;
  }

  /** Where the state is. */
  public StateDb db() {
    return where;
  }

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private synchronized <T> List<T> query(String sql, Row<T> row, Object... args) {
    try {
      Connection c = connection();
      if (c == null) {
        return new ArrayList<>();
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(row.read(rs));
          }
        }
        return out;
      }
    } catch (SQLException e) {
      if (where.missingTable(e)) {
        return new ArrayList<>(); // the server has not created its schema yet
      }
      throw new IllegalStateException(where.describe() + ": " + e.getMessage(), e);
    }
  }

  private Connection connection() throws SQLException {
    if (db == null) {
      if (where.absent()) {
        return null;
      }
      db = where.connectReadOnly();
    }
    return db;
  }

  /** {@inheritDoc} */
  @Override
  public List<DeviceInfo> devices() {
    Map<String, Integer> rounds = new HashMap<>();
    for (Object[] r :
        query(
            "SELECT client_id, COUNT(*) FROM participants WHERE outcome = 'ok' GROUP BY client_id",
            rs -> new Object[] {rs.getString(1), rs.getInt(2)})) {
      rounds.put((String) r[0], (Integer) r[1]);
    }
    Map<String, DeviceSpeed> speeds = new HashMap<>();
    for (Object[] r :
        query(
            "SELECT id, train_images_per_s, train_steps_per_s, speed_tasks FROM devices"
                + " WHERE speed_tasks > 0",
            rs -> new Object[] {rs.getString(1), new DeviceSpeed(dbl(rs, 2), dbl(rs, 3),
                rs.getLong(4))})) {
      speeds.put((String) r[0], (DeviceSpeed) r[1]);
    }
    List<DeviceInfo> devices =
        query(
            "SELECT d.id, d.name, d.os, d.arch, d.cores, d.memory_bytes, d.heap_bytes,"
                + " d.accelerator, d.device_class, d.extra, d.revoked, d.last_seen_at,"
                + " d.cpu_temperature_c, d.free_memory_bytes, d.load_average, d.telemetry_at"
                + " FROM devices d",
            rs -> {
              String id = rs.getString(1);
              DeviceFacts facts =
                  new DeviceFacts(
                      text(rs.getString(3)),
                      text(rs.getString(4)),
                      rs.getInt(5),
                      rs.getLong(6),
                      rs.getLong(7),
                      orElse(rs.getString(8), "none"),
                      orElse(rs.getString(9), "generic"),
                      stringMap(rs.getString(10)));
              boolean revoked = rs.getInt(11) != 0;
              Instant lastSeen = instant(rs.getString(12));
              Optional<Telemetry> telemetry = Optional.empty();
              Instant at = instant(rs.getString(16));
              if (at != null) {
                long free = rs.getLong(14);
                boolean noFree = rs.wasNull();
                telemetry =
                    Optional.of(
                        new Telemetry(
                            dbl(rs, 13), noFree ? -1 : free, dbl(rs, 15), at.toEpochMilli()));
              }
              Optional<Telemetry> live = status.telemetry(id);
              if (live.isPresent()
                  && (telemetry.isEmpty()
                      || live.get().timestampMillis() >= telemetry.get().timestampMillis())) {
                telemetry = live;
                Instant liveAt = Instant.ofEpochMilli(live.get().timestampMillis());
                lastSeen = lastSeen == null || liveAt.isAfter(lastSeen) ? liveAt : lastSeen;
              }
              boolean online = !revoked && status.online(id, lastSeen);
              return new DeviceInfo(
                  id,
                  rs.getString(2),
                  facts,
                  online,
                  lastSeen,
                  telemetry,
                  rounds.getOrDefault(id, 0),
                  speeds.getOrDefault(id, DeviceSpeed.UNKNOWN));
            });
    devices.sort(Comparator.comparing((DeviceInfo d) -> !d.online()).thenComparing(DeviceInfo::id));
    return devices;
  }

  private static final String RUN_COLUMNS =
      "SELECT id, model_group, model_project, rounds, min_clients, min_results, round_timeout_ms,"
          + " codec, settings, status, completed_rounds, created_at, updated_at FROM runs ";

  private static RunInfo run(ResultSet rs) throws SQLException {
    // the run's settings over the server's defaults: what the run really uses
    Map<String, Object> config = new LinkedHashMap<>();
    Map<String, String> settings = new TreeMap<>(FederationServer.STANDARD_SETTINGS);
    settings.putAll(stringMap(rs.getString(9)));
    settings.forEach(config::put);
    config.put("rounds", rs.getInt(4));
    config.put("min_clients", rs.getInt(5));
    config.put("min_results", rs.getInt(6));
    config.put("round_timeout_ms", rs.getLong(7));
    config.put("codec", rs.getString(8));
    return new RunInfo(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(10),
        rs.getInt(11),
        rs.getInt(4),
        config,
        instant(rs.getString(12)),
        instant(rs.getString(13)));
  }

  /** {@inheritDoc} */
  @Override
  public List<RunInfo> runs() {
    return query(RUN_COLUMNS + "ORDER BY rowid DESC", StateDbView::run);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<RunInfo> run(String runId) {
    return query(RUN_COLUMNS + "WHERE id = ?", StateDbView::run, runId).stream().findFirst();
  }

  private record Part(int round, String clientId, boolean ok, String reason) {}

  private record Metric(int round, String name, double value) {}

  /** {@inheritDoc} */
  @Override
  public List<RoundInfo> rounds(String runId) {
    Map<Integer, List<String>> participants = new HashMap<>();
    Map<Integer, List<ClientFailure>> failures = new HashMap<>();
    for (Part p :
        query(
            "SELECT round, client_id, outcome, reason FROM participants"
                + " WHERE run_id = ? ORDER BY round, client_id",
            rs ->
                new Part(
                    rs.getInt(1), rs.getString(2), "ok".equals(rs.getString(3)), rs.getString(4)),
            runId)) {
      if (p.ok()) {
        participants.computeIfAbsent(p.round(), k -> new ArrayList<>()).add(p.clientId());
      } else {
        failures
            .computeIfAbsent(p.round(), k -> new ArrayList<>())
            .add(new ClientFailure(p.clientId(), p.reason()));
      }
    }
    Map<Integer, Map<String, Double>> metrics = new HashMap<>();
    for (Metric m :
        query(
            "SELECT round, name, value FROM metrics WHERE run_id = ?" + " ORDER BY round, name",
            rs -> new Metric(rs.getInt(1), rs.getString(2), dbl(rs, 3)),
            runId)) {
      if (Double.isFinite(m.value())) {
        metrics.computeIfAbsent(m.round(), k -> new TreeMap<>()).put(m.name(), m.value());
      }
    }
    return query(
        "SELECT round, accuracy, loss, client_accuracy, client_loss, train_loss,"
            + " seconds, completed_at FROM rounds WHERE run_id = ? ORDER BY round",
        rs -> {
          int round = rs.getInt(1);
          Map<String, Double> m = new TreeMap<>(metrics.getOrDefault(round, Map.of()));
          putFinite(m, "client_accuracy", dbl(rs, 4));
          putFinite(m, "client_loss", dbl(rs, 5));
          putFinite(m, "train_loss", dbl(rs, 6));
          return new RoundInfo(
              runId,
              round,
              dbl(rs, 2),
              dbl(rs, 3),
              m,
              participants.getOrDefault(round, List.of()),
              failures.getOrDefault(round, List.of()),
              dbl(rs, 7),
              instant(rs.getString(8)));
        },
        runId);
  }

  /** {@inheritDoc} */
  @Override
  public List<StepInfo> steps(String runId) {
    return query(
        "SELECT step, status, started_at, finished_at, line FROM run_steps WHERE run_id = ?"
            + " ORDER BY position",
        rs -> new StepInfo(runId, rs.getString(1), rs.getString(2), instant(rs.getString(3)),
            instant(rs.getString(4)), rs.getString(5)),
        runId);
  }

  private static final String EVENT_COLUMNS =
      "SELECT id, at, kind, run_id, round, client_id, message FROM events ";

  private static EventInfo event(ResultSet rs) throws SQLException {
    Instant at = instant(rs.getString(2));
    return new EventInfo(
        rs.getLong(1),
        at == null ? Instant.EPOCH : at,
        rs.getString(3),
        rs.getString(4),
        rs.getString(6),
        rs.getString(7));
  }

  /** {@inheritDoc} */
  @Override
  public List<EventInfo> events(long afterId, int limit) {
    return query(
        EVENT_COLUMNS + "WHERE id > ? ORDER BY id LIMIT ?",
        StateDbView::event,
        afterId,
        limit);
  }

  /** {@inheritDoc} */
  @Override
  public List<EventInfo> recentEvents(int limit) {
    List<EventInfo> e =
        query(EVENT_COLUMNS + "ORDER BY id DESC LIMIT ?", StateDbView::event, limit);
    java.util.Collections.reverse(e);
    return e;
  }

  /** {@inheritDoc} */
  @Override
  public long lastEventId() {
    List<Long> id = query("SELECT COALESCE(MAX(id), 0) FROM events", rs -> rs.getLong(1));
    return id.isEmpty() ? 0 : id.get(0);
  }

  /** Closes the read connection. */
  @Override
  public synchronized void close() {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException e) {
        // nothing was written through it
      }
      db = null;
    }
  }

  private static void putFinite(Map<String, Double> m, String key, double v) {
    if (Double.isFinite(v)) {
      m.put(key, v);
    }
  }

  private static double dbl(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : d;
  }

  private static String text(String s) {
    return s == null ? "unknown" : s;
  }

  private static String orElse(String s, String dflt) {
    return s == null || s.isBlank() ? dflt : s;
  }

  private static Instant instant(String iso) {
    if (iso == null || iso.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Map<String, String> stringMap(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      return Map.of("unreadable", json);
    }
  }
}

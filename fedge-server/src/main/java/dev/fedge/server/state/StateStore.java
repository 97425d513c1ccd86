package dev.fedge.server.state;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Telemetry;
import dev.fedge.server.RoundResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's state in one SQLite file (the default) or a PostgreSQL database ({@link StateDb}),
 * through JDBC. One connection, used by one thread at a time (every method is synchronized);
 * writes that belong together happen in one transaction. The schema is versioned: Flyway applies
 * the migrations in {@code migration/} of this package ({@link Migrations}), the same scripts for
 * both databases.
 *
 * <p>Errors are {@link StateException}s naming the file (or database) and what failed.
 */
public final class StateStore implements AutoCloseable {

  /** Default file name inside a state directory. */
  public static final String FILE_NAME = "fedge.db";

  private final StateDb where;
  private final Connection db;
  private final Sql sql;

  private StateStore(StateDb where, Connection db) {
    this.where = where;
    this.db = db;
    this.sql = new Sql(where.describe(), db);
  }

  /**
   * Opens (or creates) a SQLite state file and brings its schema up to date.
   *
   * @param file the SQLite file
   * @return the store
   * @throws StateException when the file cannot be opened, is not SQLite, or was written by a
   *     newer fedge
   */
  public static StateStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StateException("cannot create the folder of state file " + file + ": " + e, e);
    }
    return open(StateDb.sqlite(file));
  }

  /**
   * Opens a state database and brings its schema up to date.
   *
   * @param where the SQLite file or PostgreSQL database
   * @return the store
   * @throws StateException when it cannot be reached or used, or was written by a newer fedge
   */
  public static StateStore open(StateDb where) {
    Connection db;
    try {
      db = where.connect();
    } catch (SQLException e) {
      throw new StateException("cannot open " + where.describe() + ": "
          + StateDb.firstLine(e.getMessage()), e);
    }
    StateStore store = new StateStore(where, db);
    try {
      if (where.kind() == StateDb.Kind.SQLITE) {
        try (Statement s = db.createStatement()) {
          s.execute("PRAGMA busy_timeout = 10000");
          s.execute("PRAGMA journal_mode = WAL");
          s.execute("PRAGMA synchronous = FULL");
        }
      }
      Migrations.apply(where);
    } catch (SQLException e) {
      store.close();
      throw new StateException(where.describe() + " is not usable: "
          + StateDb.firstLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** The SQLite file, or null when the state is in PostgreSQL. */
  public Path file() {
    return where.file();
  }

  /** Where the state is. */
  public StateDb db() {
    return where;
  }

  // ---- runs ------------------------------------------------------------------------------------

  /**
   * Creates a run with status {@code running} and no completed rounds.
   *
   * @param spec the run
   * @return its record
   * @throws IllegalArgumentException when a run with that id exists
   */
  public synchronized RunRecord createRun(RunSpec spec) {
    if (run(spec.id()).isPresent()) {
      throw new IllegalArgumentException(
          "run '" + spec.id() + "' already exists in " + where.display());
    }
    String now = Sql.now();
    sql.update("INSERT INTO runs(id, model_group, model_project, rounds, min_clients, min_results,"
            + " round_timeout_ms, codec, settings, status, completed_rounds, created_at,"
            + " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,0,?,?)",
        spec.id(), spec.group(), spec.project(), spec.rounds(), spec.minClients(),
        spec.minResults(), spec.roundTimeout().toMillis(), spec.codec(), Sql.json(spec.settings()),
        RunRecord.RUNNING, now, now);
    return run(spec.id()).orElseThrow();
  }

  /** A run by id. */
  public synchronized Optional<RunRecord> run(String id) {
    List<RunRecord> r = queryRuns("WHERE id = ?", id);
    return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
  }

  /** Every run, oldest first. */
  public synchronized List<RunRecord> runs() {
    return queryRuns("");
  }

  /** The most recently created run that is still {@code running}, if any. */
  public synchronized Optional<RunRecord> unfinishedRun() {
    List<RunRecord> r = queryRuns("WHERE status = ?", RunRecord.RUNNING);
    return r.isEmpty() ? Optional.empty() : Optional.of(r.get(r.size() - 1));
  }

  private List<RunRecord> queryRuns(String where, Object... args) {
    List<RunRecord> out = new ArrayList<>();
    sql.query("SELECT id, model_group, model_project, rounds, min_clients, min_results,"
            + " round_timeout_ms, codec, settings, status, completed_rounds, created_at,"
            + " updated_at FROM runs " + where + " ORDER BY rowid",
        rs -> {
          RunSpec spec = new RunSpec(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getInt(4), rs.getInt(5), rs.getInt(6), Duration.ofMillis(rs.getLong(7)),
              rs.getString(8), Sql.stringMap(rs.getString(9)));
          out.add(new RunRecord(spec, rs.getString(10), rs.getInt(11), rs.getString(12),
              rs.getString(13)));
        },
        args);
    return out;
  }

  /**
   * Sets a run's status.
   *
   * @param runId the run
   * @param status {@link RunRecord#FINISHED}, {@link RunRecord#FAILED} or {@link
   *     RunRecord#RUNNING}
   */
  public synchronized void setStatus(String runId, String status) {
    int n = sql.update("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?", status, Sql.now(), runId);
    if (n != 1) {
      throw new IllegalArgumentException("no run '" + runId + "' in " + where.display());
    }
  }

  // ---- rounds ----------------------------------------------------------------------------------

  /**
   * Records a completed round in one transaction: its row, participants and metrics, the run's
   * progress, and a {@code round_completed} event. Call it after the round's model is safely in
   * the model store.
   *
   * @param spec the run
   * @param r the round
   * @param modelSha256 SHA-256 of the saved model file
   * @param examples training examples per successful client
   * @throws IllegalStateException when the round is not the one after the run's last completed
   *     round (a round is never counted twice)
   */
  public synchronized void completeRound(
      RunSpec spec, RoundResult r, String modelSha256, Map<String, Integer> examples) {
    sql.transaction(() -> {
      int done = completedRounds(spec.id());
      if (r.round() != done + 1) {
        throw new IllegalStateException("run '" + spec.id() + "': round " + r.round()
            + " cannot be recorded after round " + done);
      }
      String now = Sql.now();
      double clientAcc = r.clientEval().map(EvaluateRes::accuracy).orElse(Double.NaN);
      double clientLoss = r.clientEval().map(EvaluateRes::loss).orElse(Double.NaN);
      sql.update("INSERT INTO rounds(run_id, round, accuracy, loss, client_accuracy, client_loss,"
              + " train_loss, participants, failures, seconds, model_key, model_sha256,"
              + " completed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
          spec.id(), r.round(), r.accuracy(), r.loss(), clientAcc, clientLoss,
          r.metrics().getOrDefault("train_loss", Double.NaN), r.participants().size(),
          r.failures().size(), r.duration().toMillis() / 1000.0,
          spec.modelKey(r.round()).toString(), modelSha256, now);
      for (String id : r.participants()) {
        sql.update("INSERT INTO participants(run_id, round, client_id, outcome,"
                + " num_examples, reason) VALUES (?,?,?,?,?,NULL)" + PARTICIPANT_UPSERT,
            spec.id(), r.round(), id, ParticipantRecord.OK, examples.getOrDefault(id, 0));
      }
      for (ClientFailure f : r.failures()) {
        sql.update("INSERT INTO participants(run_id, round, client_id, outcome,"
                + " num_examples, reason) VALUES (?,?,?,?,NULL,?)" + PARTICIPANT_UPSERT,
            spec.id(), r.round(), f.clientId(), ParticipantRecord.FAILED, f.reason());
      }
      for (Map.Entry<String, Double> m : metrics(r).entrySet()) {
        sql.update("INSERT INTO metrics(run_id, round, name, value) VALUES (?,?,?,?)"
                + " ON CONFLICT(run_id, round, name) DO UPDATE SET value = excluded.value",
            spec.id(), r.round(), m.getKey(), m.getValue());
      }
      sql.update("UPDATE runs SET completed_rounds = ?, updated_at = ? WHERE id = ?",
          r.round(), now, spec.id());
      insertEvent(EventRecord.ROUND_COMPLETED, spec.id(), r.round(), null,
          String.format(java.util.Locale.ROOT,
              "round %d completed: accuracy %.4f, %d results, %d failures, %.1f s",
              r.round(), r.accuracy(), r.participants().size(), r.failures().size(),
              r.duration().toMillis() / 1000.0));
    });
  }

  private static final String PARTICIPANT_UPSERT =
      " ON CONFLICT(run_id, round, client_id) DO UPDATE SET outcome = excluded.outcome,"
          + " num_examples = excluded.num_examples, reason = excluded.reason";

  private static Map<String, Double> metrics(RoundResult r) {
    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
    r.central().ifPresent(e -> {
      m.put("central_loss", e.loss());
      e.metrics().forEach((k, v) -> m.put("central_" + k, v));
    });
    r.clientEval().ifPresent(e -> {
      m.put("client_loss", e.loss());
      e.metrics().forEach((k, v) -> m.put("client_" + k, v));
    });
    return m;
  }

  private int completedRounds(String runId) {
    int[] n = {-1};
    sql.query("SELECT completed_rounds FROM runs WHERE id = ?", rs -> n[0] = rs.getInt(1), runId);
    if (n[0] < 0) {
      throw new IllegalArgumentException("no run '" + runId + "' in " + where.display());
    }
    return n[0];
  }

  /** The completed rounds of a run, in order. */
  public synchronized List<RoundRecord> rounds(String runId) {
    List<RoundRecord> out = new ArrayList<>();
    sql.query("SELECT run_id, round, accuracy, loss, client_accuracy, client_loss, train_loss,"
            + " participants, failures, seconds, model_key, model_sha256 FROM rounds"
            + " WHERE run_id = ? ORDER BY round",
        rs -> out.add(new RoundRecord(rs.getString(1), rs.getInt(2), Sql.dbl(rs, 3), Sql.dbl(rs, 4),
            Sql.dbl(rs, 5), Sql.dbl(rs, 6), Sql.dbl(rs, 7), rs.getInt(8), rs.getInt(9), rs.getDouble(10),
            rs.getString(11), rs.getString(12))),
        runId);
    return out;
  }

  /** The clients of a completed round, by client id. */
  public synchronized List<ParticipantRecord> participants(String runId, int round) {
    List<ParticipantRecord> out = new ArrayList<>();
    sql.query("SELECT run_id, round, client_id, outcome, num_examples, reason FROM participants"
            + " WHERE run_id = ? AND round = ? ORDER BY client_id",
        rs -> out.add(new ParticipantRecord(rs.getString(1), rs.getInt(2), rs.getString(3),
            rs.getString(4), rs.getInt(5), rs.getString(6))),
        runId, round);
    return out;
  }

  /** The metrics of a completed round. */
  public synchronized Map<String, Double> metrics(String runId, int round) {
    Map<String, Double> out = new LinkedHashMap<>();
    sql.query("SELECT name, value FROM metrics WHERE run_id = ? AND round = ? ORDER BY name",
        rs -> out.put(rs.getString(1), Sql.dbl(rs, 2)), runId, round);
    return out;
  }

  // ---- devices ---------------------------------------------------------------------------------

  /** Inserts or replaces a device (telemetry is kept when the record has none). */
  public synchronized void saveDevice(DeviceRecord d) {
    DeviceFacts f = d.facts();
    sql.update("INSERT INTO devices(id, name, os, arch, cores, memory_bytes, heap_bytes, accelerator,"
            + " device_class, extra, credential_sha256, revoked, remote_address, registered_at,"
            + " last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            + " ON CONFLICT(id) DO UPDATE SET name = excluded.name, os = excluded.os,"
            + " arch = excluded.arch, cores = excluded.cores,"
            + " memory_bytes = excluded.memory_bytes, heap_bytes = excluded.heap_bytes,"
            + " accelerator = excluded.accelerator, device_class = excluded.device_class,"
            + " extra = excluded.extra, credential_sha256 = excluded.credential_sha256,"
            + " revoked = excluded.revoked, remote_address = excluded.remote_address,"
            + " registered_at = excluded.registered_at, last_seen_at = excluded.last_seen_at",
        d.id(), d.name(), f.os(), f.arch(), f.cores(), f.memoryBytes(), f.heapBytes(),
        f.accelerator(), f.deviceClass(), Sql.json(f.extra()), d.credentialSha256(),
        d.revoked() ? 1 : 0, d.remoteAddress(), d.registeredAt(), d.lastSeenAt());
    if (d.telemetry() != null) {
      updateTelemetry(d.id(), d.telemetry());
    }
  }

  /** Records a device's latest telemetry and when it was last seen. */
  public synchronized void updateTelemetry(String id, Telemetry t) {
    String at = Instant.ofEpochMilli(t.timestampMillis()).toString();
    sql.update("UPDATE devices SET cpu_temperature_c = ?, free_memory_bytes = ?, load_average = ?,"
            + " telemetry_at = ?, last_seen_at = ? WHERE id = ?",
        t.cpuTemperatureC(), t.freeMemoryBytes() < 0 ? null : t.freeMemoryBytes(),
        t.loadAverage(), at, Sql.now(), id);
  }

  /** Records a device's measured training speed. */
  public synchronized void updateSpeed(String id, DeviceSpeed v) {
    sql.update("UPDATE devices SET train_images_per_s = ?, train_steps_per_s = ?, speed_tasks = ?"
        + " WHERE id = ?", v.measured() ? v.imagesPerSecond() : null,
        v.measured() ? v.stepsPerSecond() : null, v.tasks(), id);
  }

  /** The measured speeds of the devices that have one, by id. */
  public synchronized Map<String, DeviceSpeed> speeds() {
    Map<String, DeviceSpeed> out = new LinkedHashMap<>();
    sql.query("SELECT id, train_images_per_s, train_steps_per_s, speed_tasks FROM devices"
        + " WHERE speed_tasks > 0", rs -> out.put(rs.getString(1),
            new DeviceSpeed(Sql.dbl(rs, 2), Sql.dbl(rs, 3), rs.getLong(4))));
    return out;
  }

  /** Revokes a device (or lifts the revocation). */
  public synchronized void setRevoked(String id, boolean revoked) {
    int n = sql.update("UPDATE devices SET revoked = ? WHERE id = ?", revoked ? 1 : 0, id);
    if (n != 1) {
      throw new IllegalArgumentException("no device '" + id + "' in " + where.display());
    }
  }

  /** Every device, by id. */
  public synchronized List<DeviceRecord> devices() {
    List<DeviceRecord> out = new ArrayList<>();
    sql.query("SELECT id, name, os, arch, cores, memory_bytes, heap_bytes, accelerator, device_class,"
            + " extra, credential_sha256, revoked, remote_address, registered_at, last_seen_at,"
            + " cpu_temperature_c, free_memory_bytes, load_average, telemetry_at FROM devices"
            + " ORDER BY rowid",
        rs -> {
          DeviceFacts f = new DeviceFacts(rs.getString(3), rs.getString(4), rs.getInt(5),
              rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9),
              Sql.stringMap(rs.getString(10)));
          Telemetry t = null;
          String at = rs.getString(19);
          if (at != null) {
            long free = rs.getLong(17);
            boolean noFree = rs.wasNull();
            t = new Telemetry(Sql.dbl(rs, 16), noFree ? -1 : free, Sql.dbl(rs, 18),
                Instant.parse(at).toEpochMilli());
          }
          out.add(new DeviceRecord(rs.getString(1), rs.getString(2), f, rs.getString(11),
              rs.getInt(12) != 0, rs.getString(13), rs.getString(14), rs.getString(15), t));
        });
    return out;
  }

  // ---- events ----------------------------------------------------------------------------------

  /**
   * Appends an event.
   *
   * @param kind one of the kinds in {@link EventRecord}
   * @param runId the run, or null
   * @param round the round, or null
   * @param clientId the client, or null
   * @param message what happened
   */
  public synchronized void event(
      String kind, String runId, Integer round, String clientId, String message) {
    insertEvent(kind, runId, round, clientId, message);
  }

  private void insertEvent(
      String kind, String runId, Integer round, String clientId, String message) {
    sql.update("INSERT INTO events(at, kind, run_id, round, client_id, message) VALUES (?,?,?,?,?,?)",
        Sql.now(), kind, runId, round, clientId, message);
  }

  /** Every event, oldest first. */
  public synchronized List<EventRecord> events() {
    return queryEvents("");
  }

  /** The events of one kind, oldest first. */
  public synchronized List<EventRecord> events(String kind) {
    return queryEvents("WHERE kind = ?", kind);
  }

  private List<EventRecord> queryEvents(String where, Object... args) {
    List<EventRecord> out = new ArrayList<>();
    sql.query("SELECT id, at, kind, run_id, round, client_id, message FROM events " + where
            + " ORDER BY id",
        rs -> {
          int round = rs.getInt(5);
          Integer r = rs.wasNull() ? null : round;
          out.add(new EventRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
              rs.getString(4), r, rs.getString(6), rs.getString(7)));
        },
        args);
    return out;
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new StateException("cannot close " + where.describe() + ": " + e.getMessage(), e);
    }
  }
}

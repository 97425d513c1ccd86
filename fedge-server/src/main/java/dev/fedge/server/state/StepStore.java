package dev.fedge.server.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps of runs started from a run spec with steps (migration V7, table {@code run_steps}),
 * over its own JDBC connection to the server's state, like {@link ProjectStore}. Thread-safe:
 * calls are serialised on the one connection.
 */
public final class StepStore implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection db;
  private final Sql sql;

  private StepStore(StateDb where, Connection db) {
    this.db = db;
    this.sql = new Sql(where.describe(), db);
  }

  /**
   * Opens the steps of a state database, bringing its schema up to date.
   *
   * @param where the server's state (e.g. {@code StateStore.db()})
   * @return the store
   * @throws StateException when it cannot be reached or migrated
   */
  public static StepStore open(StateDb where) {
    return new StepStore(where, where.connectMigrated());
  }

  /**
   * Records a run's steps, all pending, in one transaction.
   *
   * @param runId the run (its row exists)
   * @param steps step name to its options, in order
   * @throws IllegalStateException when the run has steps already
   */
  public synchronized void plan(String runId, Map<String, Map<String, Object>> steps) {
    if (!steps(runId).isEmpty()) {
      throw new IllegalStateException("run '" + runId + "' has its steps already");
    }
    sql.transaction(() -> {
      int i = 0;
      for (Map.Entry<String, Map<String, Object>> e : steps.entrySet()) {
        sql.update("INSERT INTO run_steps(run_id, position, step, options, status) VALUES"
            + " (?, ?, ?, ?, ?)", runId, i++, e.getKey(), json(e.getValue()), StepRecord.PENDING);
      }
    });
  }

  /** A run's steps in order; empty for a run without steps. */
  public synchronized List<StepRecord> steps(String runId) {
    List<StepRecord> out = new ArrayList<>();
    sql.query("SELECT run_id, position, step, options, status, started_at, finished_at, line"
        + " FROM run_steps WHERE run_id = ? ORDER BY position", rs -> out.add(new StepRecord(
            rs.getString(1), rs.getInt(2), rs.getString(3), map(rs.getString(4)),
            rs.getString(5), instant(rs.getString(6)), instant(rs.getString(7)),
            rs.getString(8))), runId);
    return out;
  }

  /** A step starts (again): running; its first start time is kept. */
  public synchronized void started(String runId, String step) {
    update("UPDATE run_steps SET status = ?, started_at = COALESCE(started_at, ?), finished_at ="
        + " NULL WHERE run_id = ? AND step = ?", StepRecord.RUNNING, Sql.now(), runId, step);
  }

  /** A step ends with a status and a line. */
  public synchronized void finished(String runId, String step, String status, String line) {
    update("UPDATE run_steps SET status = ?, finished_at = ?, line = ? WHERE run_id = ? AND"
        + " step = ?", status, Sql.now(), line, runId, step);
  }

  /**
   * The run was stopped: its running step fails with {@code line}, the pending ones are skipped.
   */
  public synchronized void stopped(String runId, String line) {
    String now = Sql.now();
    sql.transaction(() -> {
      sql.update("UPDATE run_steps SET status = ?, finished_at = ?, line = ? WHERE run_id = ? AND"
          + " status = ?", StepRecord.FAILED, now, line, runId, StepRecord.RUNNING);
      sql.update("UPDATE run_steps SET status = ?, line = ? WHERE run_id = ? AND status = ?",
          StepRecord.SKIPPED, "skipped: the run was stopped", runId, StepRecord.PENDING);
    });
  }

  private void update(String statement, Object... args) {
    if (sql.update(statement, args) != 1) {
      throw new IllegalStateException("run '" + args[args.length - 2] + "' has no step '"
          + args[args.length - 1] + "'");
    }
  }

  private static String json(Map<String, Object> m) {
    try {
      return JSON.writeValueAsString(m == null ? Map.of() : m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> map(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new StateException("bad JSON in run_steps.options: " + json, e);
    }
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing: nothing to do
    }
  }
}

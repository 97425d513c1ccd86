package dev.fedge.server.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;

/**
 * The JDBC plumbing of {@link StateStore}: statements with bound arguments, row callbacks,
 * transactions, and the column conversions (NaN as NULL, maps as JSON). Errors become {@link
 * StateException}s naming the state file. Not thread-safe: the store's synchronized methods are
 * its only callers.
 */
final class Sql {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String where;
  private final Connection db;

  Sql(String where, Connection db) {
    this.where = where;
    this.db = db;
  }


  @FunctionalInterface
  interface Row {
    void read(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  interface Work {
    void run();
  }

  void transaction(Work work) {
    try {
      db.setAutoCommit(false);
      try {
        work.run();
        db.commit();
      } catch (RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StateException(where + ": transaction failed: " + e.getMessage(),
          e);
    }
  }

  int update(String sql, Object... args) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StateException(where + ": " + e.getMessage(), e);
    }
  }

  void query(String sql, Row row, Object... args) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          row.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new StateException(where + ": " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null || (a instanceof Double d && !Double.isFinite(d))) {
        ps.setNull(i + 1, a instanceof Double ? Types.REAL : Types.NULL);
      } else {
        ps.setObject(i + 1, a);
      }
    }
  }

  static double dbl(ResultSet rs, int col) throws SQLException {
    double d = rs.getDouble(col);
    return rs.wasNull() ? Double.NaN : d;
  }

  static String now() {
    return Instant.now().toString();
  }

  static String json(Map<String, String> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> stringMap(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new StateException("bad JSON in the state file: " + json, e);
    }
  }
}

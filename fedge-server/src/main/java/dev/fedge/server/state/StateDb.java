package dev.fedge.server.state;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * Where the server's state lives: a SQLite file (the default, {@code <state-dir>/fedge.db}) or a
 * PostgreSQL database ({@code --state-db postgresql://user[:password]@host[:port]/database}). It
 * opens connections and knows the few things that differ between the two, so that {@link
 * StateStore} and the web's view of the state are written once, against both.
 *
 * @param kind which database
 * @param jdbcUrl the JDBC URL, without user or password
 * @param file the SQLite file, or null for PostgreSQL
 * @param user the PostgreSQL user, or null
 * @param password the PostgreSQL password, or null
 */
public record StateDb(Kind kind, String jdbcUrl, Path file, String user, String password) {

  /** The two backends. */
  public enum Kind {
    /** One SQLite file. */
    SQLITE,
    /** A PostgreSQL database. */
    POSTGRESQL
  }

  /** Checks that the parts fit the kind. */
  public StateDb {
    if (kind == null || jdbcUrl == null) {
      throw new IllegalArgumentException("state-db needs a kind and a JDBC URL");
    }
    if ((kind == Kind.SQLITE) != (file != null)) {
      throw new IllegalArgumentException("state-db: a SQLite state has a file, PostgreSQL has none");
    }
  }

  /**
   * A SQLite state file.
   *
   * @param file the file
   * @return its locator
   */
  public static StateDb sqlite(Path file) {
    return new StateDb(Kind.SQLITE, "jdbc:sqlite:" + file.toAbsolutePath(), file, null, null);
  }

  /**
   * Reads a {@code --state-db} value: {@code postgresql://[user[:password]@]host[:port]/database}
   * (also with a {@code jdbc:} prefix or {@code postgres://}), or else a SQLite file path. A
   * PostgreSQL password may also come from the {@code PGPASSWORD} environment variable.
   *
   * @param value the value
   * @return the locator
   * @throws IllegalArgumentException naming what is wrong with the value
   */
  public static StateDb parse(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--state-db must not be empty");
    }
    String v = value.strip();
    String u = v.startsWith("jdbc:") ? v.substring(5) : v;
    if (u.startsWith("postgres://") || u.startsWith("postgresql://")) {
      return postgres(value, u);
    }
    if (u.startsWith("sqlite:")) {
      return sqlite(Path.of(u.substring("sqlite:".length())));
    }
    if (u.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new IllegalArgumentException("--state-db " + value
          + ": unknown database (use postgresql://user@host:port/database or a SQLite file path)");
    }
    return sqlite(Path.of(v));
  }

  private static StateDb postgres(String value, String u) {
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--state-db " + value + ": not a valid URL: "
          + e.getReason());
    }
    String host = uri.getHost();
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--state-db " + value + ": no host");
    }
    if (path.isBlank() || path.contains("/")) {
      throw new IllegalArgumentException("--state-db " + value
          + ": name one database after the host, e.g. postgresql://fedge@db.lab:5432/fedge");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] up = uri.getRawUserInfo().split(":", 2);
      user = decode(up[0]);
      password = up.length > 1 ? decode(up[1]) : null;
    }
    if (password == null) {
      password = System.getenv("PGPASSWORD");
    }
    String url = "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + "/" + path + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    return new StateDb(Kind.POSTGRESQL, url, null, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** What error messages call it: {@code state file PATH} or {@code state database URL}. */
  public String describe() {
    return kind == Kind.SQLITE ? "state file " + file : "state database " + display();
  }

  /** The location without the password, e.g. {@code postgresql://fedge@host:5432/fedge}. */
  public String display() {
    if (kind == Kind.SQLITE) {
      return file.toString();
    }
    String rest = jdbcUrl.substring("jdbc:postgresql://".length());
    return "postgresql://" + (user != null ? user + "@" : "") + rest;
  }

  /**
   * A new read-write connection.
   *
   * @return the connection
   * @throws SQLException when the database cannot be reached
   */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, properties());
  }

  /**
   * A connection for a store beside the server's ({@code ProjectStore}, {@code StepStore}): the
   * schema brought up to date first, and on SQLite the same busy timeout as the server's own.
   *
   * @return the connection
   * @throws StateException when the database cannot be reached or migrated
   */
  public Connection connectMigrated() {
    Migrations.apply(this);
    try {
      Connection c = connect();
      if (kind == Kind.SQLITE) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = 10000");
        }
      }
      return c;
    } catch (SQLException e) {
      throw new StateException("cannot open " + describe() + ": " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * A new read-only connection (the dashboard's), which never blocks the server's writes.
   *
   * @return the connection
   * @throws SQLException when the database cannot be reached
   */
  public Connection connectReadOnly() throws SQLException {
    if (kind == Kind.SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(10_000);
      return DriverManager.getConnection(jdbcUrl, config.toProperties());
    }
    Connection c = connect();
    c.setReadOnly(true);
    return c;
  }

  /** The user and password as JDBC properties (none for SQLite). */
  Properties properties() {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** Whether a reader may find nothing yet: a SQLite file that the server has not created. */
  public boolean absent() {
    return kind == Kind.SQLITE && !Files.exists(file);
  }

  /**
   * Whether a failed query only means that the server has not created its tables yet.
   *
   * @param e the failure
   * @return true for SQLite's "no such table" and PostgreSQL's undefined_table (42P01)
   */
  public boolean missingTable(SQLException e) {
    if (kind == Kind.POSTGRESQL) {
      return "42P01".equals(e.getSQLState());
    }
    return e.getMessage() != null && e.getMessage().contains("no such table");
  }

  /**
   * Whether this database holds no fedge state at all: a SQLite file that is missing or empty, or
   * a PostgreSQL database without fedge's tables. Reads only.
   *
   * @return true when there is nothing in it
   * @throws StateException when it cannot be read
   */
  public boolean holdsNoState() {
    if (kind == Kind.SQLITE) {
      try {
        return !Files.exists(file) || Files.size(file) == 0;
      } catch (IOException e) {
        throw new StateException("cannot read " + describe() + ": " + e, e);
      }
    }
    try (Connection c = connect();
        ResultSet rs = c.getMetaData().getTables(null, null, "runs", new String[] {"TABLE"})) {
      return !rs.next();
    } catch (SQLException e) {
      throw new StateException("cannot reach " + describe() + ": " + firstLine(e.getMessage()), e);
    }
  }

  /** What Flyway replaces in the migrations: the SQL that the two databases spell differently. */
  Map<String, String> placeholders() {
    return kind == Kind.SQLITE
        ? Map.of("event_id", "INTEGER PRIMARY KEY AUTOINCREMENT", "rowid_column", "")
        : Map.of("event_id", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "rowid_column", "rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,");
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  @Override
  public String toString() {
    return display();
  }
}

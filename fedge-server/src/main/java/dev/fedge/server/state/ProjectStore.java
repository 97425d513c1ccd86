package dev.fedge.server.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Projects and their tokens, and which project each run and device belongs to (migration V5),
 * over its own JDBC connection to the server's state. A token's secret is never stored: only its
 * SHA-256.
 *
 * <pre>{@code
 * try (ProjectStore projects = ProjectStore.open(state.db())) {
 *   projects.createProject("lab-a", 0);
 *   IssuedToken t = projects.issue("lab-a", Role.MEMBER, "ci");   // t.secret(): show it once
 *   projects.authenticate(t.secret());                             // -> the token's record
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls are serialised on the one connection.
 */
public final class ProjectStore implements AutoCloseable {

  /** Prefix of every project token's secret, so that one is recognisable in a config file. */
  public static final String SECRET_PREFIX = "fdg_";

  private final StateDb where;
  private final Connection db;
  private final SecureRandom random = new SecureRandom();

  private ProjectStore(StateDb where, Connection db) {
    this.where = where;
    this.db = db;
  }

  /**
   * Opens the projects of a state database, bringing its schema up to date.
   *
   * @param where the server's state (e.g. {@code StateStore.db()})
   * @return the store
   * @throws StateException when it cannot be reached or migrated
   */
  public static ProjectStore open(StateDb where) {
    return new ProjectStore(where, where.connectMigrated());
  }

  // ---- projects ---------------------------------------------------------------------------------

  /**
   * Creates a project.
   *
   * @param name its name
   * @param quotaBytes model store quota in bytes, 0 for none
   * @return its record
   * @throws IllegalArgumentException when the name or quota is not valid
   * @throws IllegalStateException when a project of that name exists
   */
  public synchronized ProjectRecord createProject(String name, long quotaBytes) {
    ProjectRecord p = new ProjectRecord(name, quotaBytes, now());
    if (project(name).isPresent()) {
      throw new IllegalStateException("project '" + name + "' exists");
    }
    update("INSERT INTO projects(name, quota_bytes, created_at) VALUES (?, ?, ?)",
        name, quotaBytes == 0 ? null : quotaBytes, p.created().toString());
    return p;
  }

  /** Every project, by name. */
  public synchronized List<ProjectRecord> projects() {
    return query("SELECT name, quota_bytes, created_at FROM projects ORDER BY name",
        ProjectStore::project);
  }

  /** One project, or empty. */
  public synchronized Optional<ProjectRecord> project(String name) {
    return query("SELECT name, quota_bytes, created_at FROM projects WHERE name = ?",
        ProjectStore::project, name).stream().findFirst();
  }

  private static ProjectRecord project(ResultSet rs) throws SQLException {
    return new ProjectRecord(rs.getString(1), rs.getLong(2), Instant.parse(rs.getString(3)));
  }

  // ---- tokens -----------------------------------------------------------------------------------

  /**
   * Issues a token: 256 random bits, URL-safe base64 after {@link #SECRET_PREFIX}.
   *
   * @param project the project it opens
   * @param role what it may do
   * @param name what it is for, unique in the project (also among revoked tokens)
   * @return the record and the secret, which is not kept
   * @throws NoSuchElementException when there is no such project
   * @throws IllegalStateException when the project has a token of that name
   */
  public synchronized IssuedToken issue(String project, Role role, String name) {
    TokenRecord t = new TokenRecord(project, name, role, now(), null);
    requireProject(project);
    if (tokens(project).stream().anyMatch(x -> x.name().equals(name))) {
      throw new IllegalStateException(
          "project '" + project + "' has a token named '" + name + "' already");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    update("INSERT INTO project_tokens(token_sha256, project, name, role, created_at)"
        + " VALUES (?, ?, ?, ?, ?)", sha256(secret), project, name, role.id(),
        t.created().toString());
    return new IssuedToken(t, secret);
  }

  /** A project's tokens, revoked ones included, by name. */
  public synchronized List<TokenRecord> tokens(String project) {
    return query("SELECT project, name, role, created_at, revoked_at FROM project_tokens"
        + " WHERE project = ? ORDER BY name", ProjectStore::token, project);
  }

  /**
   * Revokes a token: it opens nothing from now on.
   *
   * @return its record, revoked
   * @throws NoSuchElementException when the project has no token of that name
   */
  public synchronized TokenRecord revoke(String project, String name) {
    requireProject(project);
    TokenRecord t = tokens(project).stream().filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException(
            "project '" + project + "' has no token named '" + name + "'"));
    if (!t.valid()) {
      return t;
    }
    Instant at = now();
    update("UPDATE project_tokens SET revoked_at = ? WHERE project = ? AND name = ?",
        at.toString(), project, name);
    return new TokenRecord(t.project(), t.name(), t.role(), t.created(), at);
  }

  /** The valid token whose secret this is, or empty (unknown or revoked). */
  public synchronized Optional<TokenRecord> authenticate(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return Optional.empty();
    }
    return query("SELECT project, name, role, created_at, revoked_at FROM project_tokens"
        + " WHERE token_sha256 = ? AND revoked_at IS NULL", ProjectStore::token, sha256(secret))
        .stream().findFirst();
  }

  private static TokenRecord token(ResultSet rs) throws SQLException {
    String revoked = rs.getString(5);
    return new TokenRecord(rs.getString(1), rs.getString(2), Role.of(rs.getString(3)),
        Instant.parse(rs.getString(4)), revoked == null ? null : Instant.parse(revoked));
  }

  // ---- device enroll tokens (V6) ----------------------------------------------------------------

  /**
   * Issues a device enroll token for a project: 256 random bits after {@link
   * EnrollTokenRecord#SECRET_PREFIX}. A device that registers with it joins the project.
   *
   * @param project the project
   * @param name what it is for, unique in the project (also among revoked enroll tokens)
   * @return the record and the secret, which is not kept
   * @throws NoSuchElementException when there is no such project
   * @throws IllegalStateException when the project has an enroll token of that name
   */
  public synchronized EnrollTokenRecord.Issued issueEnrollToken(String project, String name) {
    EnrollTokenRecord t = new EnrollTokenRecord(project, name, now(), null);
    requireProject(project);
    if (enrollTokens(project).stream().anyMatch(x -> x.name().equals(name))) {
      throw new IllegalStateException(
          "project '" + project + "' has an enroll token named '" + name + "' already");
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = EnrollTokenRecord.SECRET_PREFIX
        + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    update("INSERT INTO enroll_tokens(token_sha256, project, name, created_at) VALUES (?, ?, ?, ?)",
        sha256(secret), project, name, t.created().toString());
    return new EnrollTokenRecord.Issued(t, secret);
  }

  /** A project's enroll tokens, revoked ones included, by name. */
  public synchronized List<EnrollTokenRecord> enrollTokens(String project) {
    return query("SELECT project, name, created_at, revoked_at FROM enroll_tokens"
        + " WHERE project = ? ORDER BY name", ProjectStore::enrollToken, project);
  }

  /**
   * Revokes an enroll token: no device registers with it from now on (devices that joined with it
   * stay in the project).
   *
   * @return its record, revoked
   * @throws NoSuchElementException when the project has no enroll token of that name
   */
  public synchronized EnrollTokenRecord revokeEnrollToken(String project, String name) {
    requireProject(project);
    EnrollTokenRecord t = enrollTokens(project).stream().filter(x -> x.name().equals(name))
        .findFirst().orElseThrow(() -> new NoSuchElementException(
            "project '" + project + "' has no enroll token named '" + name + "'"));
    if (!t.valid()) {
      return t;
    }
    Instant at = now();
    update("UPDATE enroll_tokens SET revoked_at = ? WHERE project = ? AND name = ?",
        at.toString(), project, name);
    return new EnrollTokenRecord(t.project(), t.name(), t.created(), at);
  }

  /** The enroll token whose secret this is, revoked or not, or empty when there is none. */
  public synchronized Optional<EnrollTokenRecord> enrollToken(String secret) {
    if (secret == null || !secret.startsWith(EnrollTokenRecord.SECRET_PREFIX)) {
      return Optional.empty();
    }
    return query("SELECT project, name, created_at, revoked_at FROM enroll_tokens"
        + " WHERE token_sha256 = ?", ProjectStore::enrollToken, sha256(secret))
        .stream().findFirst();
  }

  private static EnrollTokenRecord enrollToken(ResultSet rs) throws SQLException {
    String revoked = rs.getString(4);
    return new EnrollTokenRecord(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3)),
        revoked == null ? null : Instant.parse(revoked));
  }

  /** The project of a device, or empty when there is no such device. */
  public synchronized Optional<String> deviceProject(String deviceId) {
    return query("SELECT tenant FROM devices WHERE id = ?", rs -> rs.getString(1), deviceId)
        .stream().findFirst();
  }

  /** The project of a run, or empty when there is no such run. */
  public synchronized Optional<String> runProject(String runId) {
    return query("SELECT tenant FROM runs WHERE id = ?", rs -> rs.getString(1), runId)
        .stream().findFirst();
  }

  // ---- what belongs where -----------------------------------------------------------------------

  /**
   * Puts a run into a project.
   *
   * @throws NoSuchElementException when there is no such project or run
   */
  public synchronized void assignRun(String runId, String project) {
    requireProject(project);
    if (update("UPDATE runs SET tenant = ? WHERE id = ?", project, runId) == 0) {
      throw new NoSuchElementException("no run '" + runId + "'");
    }
  }

  /**
   * Puts a device into a project.
   *
   * @throws NoSuchElementException when there is no such project or device
   */
  public synchronized void assignDevice(String deviceId, String project) {
    requireProject(project);
    if (update("UPDATE devices SET tenant = ? WHERE id = ?", project, deviceId) == 0) {
      throw new NoSuchElementException("no device '" + deviceId + "'");
    }
  }

  /** The project of every run, by run id. */
  public synchronized Map<String, String> runProjects() {
    return pairs("SELECT id, tenant FROM runs");
  }

  /** The project of every device, by device id. */
  public synchronized Map<String, String> deviceProjects() {
    return pairs("SELECT id, tenant FROM devices");
  }

  /**
   * The project of every model store {@code group/project} that a run saves into, keyed by
   * {@code group/project}; one that no run saves into belongs to {@link ProjectRecord#DEFAULT}.
   */
  public synchronized Map<String, String> modelProjects() {
    return pairs("SELECT model_group || '/' || model_project, tenant FROM runs ORDER BY created_at");
  }

  private Map<String, String> pairs(String sql) {
    Map<String, String> out = new LinkedHashMap<>();
    query(sql, rs -> {
      out.putIfAbsent(rs.getString(1), rs.getString(2));
      return null;
    });
    return out;
  }

  private void requireProject(String project) {
    ProjectRecord.checkName(project);
    if (project(project).isEmpty()) {
      throw new NoSuchElementException("no project '" + project + "'");
    }
  }

  // ---- JDBC -------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StateException(where.describe() + ": " + StateDb.firstLine(e.getMessage()), e);
    }
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StateException(where.describe() + ": " + StateDb.firstLine(e.getMessage()), e);
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** SHA-256 of a secret, in hex. */
  static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is part of every JDK", e);
    }
  }

  /** Closes the connection. */
  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing: nothing left to do
    }
  }
}

package dev.fedge.server.state;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The state schema's versions, applied by Flyway from {@code migration/V<n>__<what>.sql} in this
 * package: the same scripts for SQLite and PostgreSQL, with placeholders for what they spell
 * differently ({@link StateDb#placeholders}). A new migration is one more file; nothing else
 * changes.
 *
 * <ul>
 *   <li>A new database gets every migration.
 *   <li>A state file of the unversioned schema (a {@code schema_version} table, no Flyway history)
 *       is baselined at version 1, which is that schema, and gets the later migrations.
 *   <li>A database that a newer fedge migrated further than this one knows is refused before
 *       anything is changed: this fedge would misread it.
 * </ul>
 */
final class Migrations {

  static final String LOCATION = "classpath:dev/fedge/server/state/migration";
  private static final String HISTORY = "flyway_schema_history";

  private Migrations() {}

  /**
   * Brings a database's schema up to date.
   *
   * @param where the database
   * @throws StateException naming the database when it cannot be migrated, or is newer than this
   *     fedge
   */
  static void apply(StateDb where) {
    FluentConfiguration conf = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(where.jdbcUrl(), where.user(), where.password())
        .locations(LOCATION)
        .table(HISTORY)
        .placeholders(where.placeholders())
        .loggers(MigrationLog.class.getName())
        .cleanDisabled(true)
        .validateMigrationNaming(true);
    try {
      int legacy = legacyVersion(where);
      if (legacy > 1) {
        throw new StateException(where.describe() + " has schema version " + legacy
            + ", this fedge reads version 1 and later migrations; use a newer fedge");
      }
      if (legacy == 1) {
        conf.baselineOnMigrate(true).baselineVersion("1")
            .baselineDescription("fedge schema before versioned migrations");
      }
      Flyway flyway = conf.load();
      MigrationVersion known = latestKnown(flyway);
      for (MigrationInfo m : flyway.info().applied()) {
        if (m.getVersion() != null && m.getVersion().isNewerThan(known)) {
          throw new StateException(where.describe() + " has schema version " + m.getVersion()
              + " (" + m.getDescription() + "), written by a newer fedge; this one knows up to"
              + " version " + known + ": use a newer fedge (nothing was changed)");
        }
      }
      flyway.migrate();
    } catch (FlywayException e) {
      throw new StateException(where.describe() + " is not usable: "
          + StateDb.firstLine(e.getMessage()), e);
    } catch (SQLException e) {
      throw new StateException(where.describe() + " is not usable: "
          + StateDb.firstLine(e.getMessage()), e);
    }
  }

  /** The newest migration in this fedge's classpath. */
  static MigrationVersion latestKnown(Flyway flyway) {
    MigrationVersion latest = MigrationVersion.EMPTY;
    for (MigrationInfo m : flyway.info().all()) {
      if (m.getVersion() != null && m.getState().isResolved()
          && m.getVersion().isNewerThan(latest)) {
        latest = m.getVersion();
      }
    }
    return latest;
  }

  /**
   * The version in an unversioned fedge schema's {@code schema_version} table, or 0 when the
   * database has Flyway's history or no such table.
   */
  private static int legacyVersion(StateDb where) throws SQLException {
    try (Connection c = where.connect()) {
      if (hasTable(c, HISTORY) || !hasTable(c, "schema_version")) {
        return 0;
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
        return rs.next() ? Math.max(rs.getInt(1), 1) : 1;
      }
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    for (String n : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
      try (ResultSet rs = meta.getTables(null, null, n, new String[] {"TABLE"})) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }
}

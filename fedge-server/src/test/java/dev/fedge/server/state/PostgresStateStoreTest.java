package dev.fedge.server.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link StateStoreTest}'s tests against a real PostgreSQL server, through the same migrations:
 * each test gets a fresh database. The tests about SQLite files are not repeated here.
 */
class PostgresStateStoreTest extends StateStoreTest {

  private static PostgresServer pg;
  private StateDb db;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void newDatabase() throws Exception {
    db = pg.newDatabase();
  }

  @Override
  StateStore open() {
    return StateStore.open(db);
  }

  // SQLite files only: not tests here (an override without @Test is not run)

  @Override
  void open_notSqliteFile_namesTheFile() {}

  @Override
  void open_stateFileOfTheUnversionedSchema_isBaselinedAndKeepsItsRows() {}

  @Override
  void open_unversionedSchemaOfANewerVersion_isRefused() {}

  @Override
  void runSpec_validates() {}
}

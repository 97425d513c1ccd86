package dev.fedge.server.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link ProjectStoreTest}'s tests against a real PostgreSQL server, a fresh database each. */
class PostgresProjectStoreTest extends ProjectStoreTest {

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
}

package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.PostgresServer;
import dev.fedge.server.state.StateDb;
import dev.fedge.server.state.StateException;
import dev.fedge.server.store.ModelStore;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FederationServerTest}'s federations (two devices over real gRPC, three rounds, restarts,
 * a kill after every commit step) with the state in a real PostgreSQL server: each test gets a
 * fresh database, and models, metrics and strategy state stay in the state folder.
 */
class PostgresFederationServerTest extends FederationServerTest {

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
  FederationServer.Settings settings(int port) {
    return super.settings(port).withStateDb(db);
  }

  @Override
  @Test
  void emptyOrMissingStateFileBesideModels_isRefused_andNothingIsChanged() throws Exception {
    runToTheEnd();
    StateDb fresh = pg.newDatabase();

    StateException e = assertThrows(StateException.class, () -> FederationServer.start(
        super.settings(0).withStateDb(fresh), spec -> null, l -> {}));

    assertEquals("state database " + fresh.display() + " holds no fedge tables, but "
        + dir.resolve("models") + " holds 4 models of 1 project(s) (lab/toy): refusing to start"
        + " over without their record; restore the state database from a backup, or use another"
        + " --state-dir (nothing was changed)", e.getMessage());
    assertTrue(fresh.holdsNoState(), "nothing was created in the fresh database");
    assertEquals(List.of(0, 1, 2, 3), new ModelStore(dir.resolve("models")).rounds("lab", "toy"));
  }
}

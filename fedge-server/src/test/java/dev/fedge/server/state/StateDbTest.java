package dev.fedge.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StateDbTest {

  @Test
  void postgresUrl_givesJdbcUrlUserAndPassword_andDisplaysNoPassword() {
    StateDb db = StateDb.parse("postgresql://fedge:s%40cret@db.lab:5433/fedge?sslmode=require");

    assertEquals(StateDb.Kind.POSTGRESQL, db.kind());
    assertEquals("jdbc:postgresql://db.lab:5433/fedge?sslmode=require", db.jdbcUrl());
    assertEquals("fedge", db.user());
    assertEquals("s@cret", db.password());
    assertEquals("postgresql://fedge@db.lab:5433/fedge?sslmode=require", db.display());
    assertEquals("state database postgresql://fedge@db.lab:5433/fedge?sslmode=require",
        db.describe());
    assertNull(db.file());
    assertEquals("jdbc:postgresql://h/x", StateDb.parse("jdbc:postgres://h/x").jdbcUrl());
  }

  @Test
  void pathOrSqliteUrl_isASqliteFile() {
    assertEquals(StateDb.sqlite(Path.of("s/fedge.db")), StateDb.parse("s/fedge.db"));
    assertEquals(Path.of("/tmp/x.db"), StateDb.parse("sqlite:/tmp/x.db").file());
    assertEquals("state file s/fedge.db", StateDb.parse("s/fedge.db").describe());
  }

  @Test
  void badValues_sayWhatIsWrong() {
    assertEquals("--state-db postgresql:///fedge: no host", assertThrows(
        IllegalArgumentException.class, () -> StateDb.parse("postgresql:///fedge")).getMessage());
    assertEquals("--state-db postgresql://h: name one database after the host, e.g."
        + " postgresql://fedge@db.lab:5432/fedge", assertThrows(IllegalArgumentException.class,
            () -> StateDb.parse("postgresql://h")).getMessage());
    assertEquals("--state-db must not be empty", assertThrows(IllegalArgumentException.class,
        () -> StateDb.parse(" ")).getMessage());
  }
}

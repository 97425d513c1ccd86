package dev.fedge.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projects, tokens and ownership in a real SQLite state file. */
class ProjectStoreTest {

  @TempDir Path dir;

  /** The state under test: a SQLite file here, PostgreSQL in {@link PostgresProjectStoreTest}. */
  StateStore open() {
    return StateStore.open(dir.resolve("fedge.db"));
  }

  @Test
  void existingRuns_belongToDefault_andMoveWhenAssigned() {
    try (StateStore state = open();
        ProjectStore projects = ProjectStore.open(state.db())) {
      state.createRun(StateStoreTest.spec("r1"));
      assertEquals(List.of("default"), projects.projects().stream().map(ProjectRecord::name)
          .toList());
      assertEquals(Map.of("r1", "default"), projects.runProjects());

      projects.createProject("lab-a", 0);
      projects.assignRun("r1", "lab-a");

      assertEquals(Map.of("r1", "lab-a"), projects.runProjects());
      assertEquals(Map.of("lab/fmnist", "lab-a"), projects.modelProjects());
      assertThrows(NoSuchElementException.class, () -> projects.assignRun("r1", "nope"));
      assertThrows(NoSuchElementException.class, () -> projects.assignRun("nope", "lab-a"));
    }
  }

  @Test
  void token_opensItsProjectUntilRevoked_andOnlyItsHashIsStored() throws Exception {
    String secret;
    StateDb db;
    try (StateStore state = open();
        ProjectStore projects = ProjectStore.open(state.db())) {
      db = state.db();
      projects.createProject("lab-a", 0);
      IssuedToken t = projects.issue("lab-a", Role.VIEWER, "ci");
      secret = t.secret();

      TokenRecord found = projects.authenticate(secret).orElseThrow();
      assertEquals("lab-a", found.project());
      assertEquals(Role.VIEWER, found.role());
      assertFalse(projects.authenticate(secret + "x").isPresent());
      assertFalse(t.toString().contains(secret));

      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> projects.issue("lab-a", Role.OWNER, "ci"));
      assertEquals("project 'lab-a' has a token named 'ci' already", twice.getMessage());
      assertFalse(projects.revoke("lab-a", "ci").valid());
      assertFalse(projects.authenticate(secret).isPresent());
      assertEquals(1, projects.tokens("lab-a").size());
    }
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT token_sha256 FROM project_tokens")) {
      assertTrue(rs.next());
      assertEquals(ProjectStore.sha256(secret), rs.getString(1));
    }
  }

  @Test
  void badInput_isRefusedNamingIt() {
    try (StateStore state = open();
        ProjectStore projects = ProjectStore.open(state.db())) {
      IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
          () -> projects.createProject("a/b", 0));
      IllegalStateException exists = assertThrows(IllegalStateException.class,
          () -> projects.createProject("default", 0));
      IllegalArgumentException role = assertThrows(IllegalArgumentException.class,
          () -> Role.of("admin"));
      NoSuchElementException noProject = assertThrows(NoSuchElementException.class,
          () -> projects.issue("nope", Role.OWNER, "x"));

      assertTrue(name.getMessage().endsWith("got 'a/b'"), name.getMessage());
      assertEquals("project 'default' exists", exists.getMessage());
      assertEquals("role must be owner, member or viewer, got 'admin'", role.getMessage());
      assertEquals("no project 'nope'", noProject.getMessage());
    }
  }
}

package dev.fedge.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.RoundResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state store against a SQLite file; {@link PostgresStateStoreTest} runs the same tests
 * against PostgreSQL.
 */
class StateStoreTest {

  @TempDir Path dir;

  /** The store of this test: the same state every time it is opened within one test. */
  StateStore open() throws Exception {
    return StateStore.open(dir.resolve("state/fedge.db"));
  }

  static RunSpec spec(String id) {
    return new RunSpec(id, "lab", "fmnist", 3, 2, 1, Duration.ofSeconds(30), "float16",
        Map.of("strategy", "fedavg", "dataset", "fashion-mnist"));
  }

  static RoundResult round(int r, double accuracy) {
    Parameters p = Parameters.zeros(ParameterLayout.of(new TensorSpec("w", new int[] {2})));
    return new RoundResult(r, true, p, Map.of("train_loss", 0.5, "num_results", 2.0),
        Optional.of(new EvaluateRes(0.9, 100, Map.of("accuracy", accuracy))), Optional.empty(),
        List.of("c1", "c2"), List.of(new ClientFailure("c3", "timeout after PT30S")),
        Duration.ofMillis(2500));
  }

  @Test
  void runs_andCompletedRounds_surviveReopening() throws Exception {
    try (StateStore s = open()) {
      s.createRun(spec("run1"));
      s.completeRound(spec("run1"), round(1, 0.5), "abc", Map.of("c1", 300, "c2", 200));
    }

    try (StateStore s = open()) {
      RunRecord run = s.unfinishedRun().orElseThrow();
      assertEquals(spec("run1"), run.spec());
      assertEquals(1, run.completedRounds());
      assertTrue(run.unfinished());
      RoundRecord r = s.rounds("run1").get(0);
      assertEquals(0.5, r.accuracy());
      assertEquals(0.9, r.loss());
      assertTrue(Double.isNaN(r.clientAccuracy()));
      assertEquals(0.5, r.trainLoss());
      assertEquals(2, r.participants());
      assertEquals(1, r.failures());
      assertEquals(2.5, r.seconds());
      assertEquals("lab/fmnist/1", r.modelKey());
      assertEquals("abc", r.modelSha256());
      assertEquals(List.of(
          new ParticipantRecord("run1", 1, "c1", "ok", 300, null),
          new ParticipantRecord("run1", 1, "c2", "ok", 200, null),
          new ParticipantRecord("run1", 1, "c3", "failed", 0, "timeout after PT30S")),
          s.participants("run1", 1));
      assertEquals(0.5, s.metrics("run1", 1).get("central_accuracy"));
      assertEquals(2.0, s.metrics("run1", 1).get("num_results"));
      assertEquals("round_completed", s.events().get(0).kind());
    }
  }

  @Test
  void completeRound_outOfOrderOrTwice_isRefusedAndChangesNothing() throws Exception {
    try (StateStore s = open()) {
      s.createRun(spec("run1"));
      s.completeRound(spec("run1"), round(1, 0.5), "a", Map.of());

      IllegalStateException twice = assertThrows(IllegalStateException.class,
          () -> s.completeRound(spec("run1"), round(1, 0.6), "b", Map.of()));
      IllegalStateException skip = assertThrows(IllegalStateException.class,
          () -> s.completeRound(spec("run1"), round(3, 0.6), "b", Map.of()));

      assertEquals("run 'run1': round 1 cannot be recorded after round 1", twice.getMessage());
      assertEquals("run 'run1': round 3 cannot be recorded after round 1", skip.getMessage());
      assertEquals(1, s.rounds("run1").size());
      assertEquals(1, s.run("run1").orElseThrow().completedRounds());
      assertEquals(1, s.events(EventRecord.ROUND_COMPLETED).size());
    }
  }

  @Test
  void finishedRun_isNoLongerUnfinished_andDuplicateRunIsRefused() throws Exception {
    try (StateStore s = open()) {
      s.createRun(spec("run1"));

      s.setStatus("run1", RunRecord.FINISHED);

      assertFalse(s.unfinishedRun().isPresent());
      assertEquals(RunRecord.FINISHED, s.run("run1").orElseThrow().status());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> s.createRun(spec("run1")));
      assertTrue(e.getMessage().startsWith("run 'run1' already exists in "), e.getMessage());
    }
  }

  @Test
  void deviceSpeed_isKeptBesideTheDevice_andSurvivesItsReRegistration() throws Exception {
    DeviceFacts facts = DeviceFacts.unknown();
    try (StateStore s = open()) {
      s.saveDevice(new DeviceRecord("c1", "pi-1", facts, "h1", false, "a", "t", null, null));
      s.saveDevice(new DeviceRecord("c2", "pi-2", facts, "h2", false, "a", "t", null, null));
      assertTrue(s.speeds().isEmpty());

      s.updateSpeed("c2", new DeviceSpeed(412.5, 12.75, 3));
      s.saveDevice(new DeviceRecord("c2", "pi-2", facts, "h3", false, "b", "t2", null, null));

      assertEquals(Map.of("c2", new DeviceSpeed(412.5, 12.75, 3)), s.speeds());
    }
  }

  @Test
  void devices_keepFactsCredentialHashAndTelemetry() throws Exception {
    DeviceFacts facts = new DeviceFacts("Linux 6.1", "aarch64", 4, 8L << 30, 1L << 30,
        "none", "raspberry-pi", Map.of("model", "Raspberry Pi 4 Model B"));
    try (StateStore s = open()) {
      s.saveDevice(new DeviceRecord("c1", "pi-1", facts, "hash1", false, "/10.0.0.5:4242",
          "2026-01-01T00:00:00Z", null, null));
      s.updateTelemetry("c1", new Telemetry(Double.NaN, 123456789L, 0.5, 1_700_000_000_000L));
      s.setRevoked("c1", true);

      DeviceRecord d = s.devices().get(0);

      assertEquals("pi-1", d.name());
      assertEquals(facts, d.facts());
      assertEquals("hash1", d.credentialSha256());
      assertTrue(d.revoked());
      assertTrue(Double.isNaN(d.telemetry().cpuTemperatureC()));
      assertEquals(123456789L, d.telemetry().freeMemoryBytes());
      assertEquals(1_700_000_000_000L, d.telemetry().timestampMillis());
      assertThrows(IllegalArgumentException.class, () -> s.setRevoked("c9", true));
    }
  }

  @Test
  void events_keepKindRunRoundClientAndMessage() throws Exception {
    try (StateStore s = open()) {
      s.event(EventRecord.REJECTED, "run1", 2, "c3", "UploadResult: NaN at index 4");
      s.event(EventRecord.REGISTERED, null, null, "c4", "c4 registered");

      List<EventRecord> rejected = s.events(EventRecord.REJECTED);

      assertEquals(1, rejected.size());
      assertEquals("run1", rejected.get(0).runId());
      assertEquals(2, rejected.get(0).round());
      assertEquals("c3", rejected.get(0).clientId());
      assertEquals("UploadResult: NaN at index 4", rejected.get(0).message());
      assertNull(s.events(EventRecord.REGISTERED).get(0).round());
    }
  }

  @Test
  void open_notSqliteFile_namesTheFile() throws Exception {
    Path file = dir.resolve("fedge.db");
    Files.writeString(file, "this is not a database, just some text that is long enough ".repeat(20));

    StateException e = assertThrows(StateException.class, () -> StateStore.open(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void open_databaseOfANewerFedge_isRefusedAndLeftAsItWas() throws Exception {
    StateDb db;
    try (StateStore s = open()) {
      s.createRun(spec("run1"));
      db = s.db();
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("INSERT INTO flyway_schema_history(installed_rank, version, description, type,"
          + " script, checksum, installed_by, installed_on, execution_time, success) VALUES"
          + " (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'x',"
          + " CURRENT_TIMESTAMP, 0, " + (db.kind() == StateDb.Kind.SQLITE ? "1" : "true") + ")");
    }

    StateException e = assertThrows(StateException.class, this::open);

    assertTrue(e.getMessage().contains("has schema version 99 (from the future), written by a"
        + " newer fedge; this one knows up to version 7"), e.getMessage());
    assertTrue(e.getMessage().startsWith(db.describe()), e.getMessage());
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM runs")) {
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
    }
  }

  @Test
  void open_stateFileOfTheUnversionedSchema_isBaselinedAndKeepsItsRows() throws Exception {
    Path file = dir.resolve("old/fedge.db");
    Files.createDirectories(file.getParent());
    String legacy;
    try (var in = StateStoreTest.class.getResourceAsStream("legacy-schema.sql")) {
      legacy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      for (String stmt : legacy.replaceAll("--[^\n]*", "").split(";\\s*\n")) {
        if (!stmt.isBlank()) {
          st.execute(stmt);
        }
      }
      st.execute("INSERT INTO schema_version(version) VALUES (1)");
      st.execute("INSERT INTO runs(id, model_group, model_project, rounds, min_clients,"
          + " min_results, round_timeout_ms, codec, settings, status, completed_rounds,"
          + " created_at, updated_at) VALUES ('old', 'lab', 'fmnist', 3, 2, 1, 30000, 'float16',"
          + " '{\"strategy\":\"fedavg\"}', 'running', 0, '2026-01-01T00:00:00Z',"
          + " '2026-01-01T00:00:00Z')");
    }

    try (StateStore s = StateStore.open(file)) {
      assertEquals(Map.of("strategy", "fedavg"), s.run("old").orElseThrow().spec().settings());
      s.completeRound(s.run("old").orElseThrow().spec(), round(1, 0.5), "abc", Map.of());
      assertEquals(1, s.rounds("old").size());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT version, description FROM flyway_schema_history"
          + " ORDER BY installed_rank")) {
        List<String> applied = new java.util.ArrayList<>();
        while (rs.next()) {
          applied.add(rs.getString(1) + " " + rs.getString(2));
        }
        assertEquals(List.of("1 fedge schema before versioned migrations",
            "2 drop schema version", "4 device speed", "5 projects", "6 enroll tokens", "7 run steps"), applied);
      }
      try (ResultSet rs = st.executeQuery(
          "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'")) {
        assertEquals(0, rs.getInt(1));
      }
    }
  }

  @Test
  void open_unversionedSchemaOfANewerVersion_isRefused() throws Exception {
    Path file = dir.resolve("old/fedge.db");
    Files.createDirectories(file.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
      st.execute("INSERT INTO schema_version(version) VALUES (3)");
    }

    StateException e = assertThrows(StateException.class, () -> StateStore.open(file));

    assertEquals("state file " + file + " has schema version 3, this fedge reads version 1 and"
        + " later migrations; use a newer fedge", e.getMessage());
  }

  @Test
  void runSpec_validates() throws Exception {
    IllegalArgumentException codec = assertThrows(IllegalArgumentException.class,
        () -> new RunSpec("r", "g", "p", 1, 1, 1, Duration.ofSeconds(1), "bf16", Map.of()));
    IllegalArgumentException results = assertThrows(IllegalArgumentException.class,
        () -> new RunSpec("r", "g", "p", 1, 1, 2, Duration.ofSeconds(1), "int8", Map.of()));
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> new RunSpec("a/b", "g", "p", 1, 1, 1, Duration.ofSeconds(1), "int8", Map.of()));

    assertTrue(codec.getMessage().contains("'bf16'"));
    assertEquals("min-results (2) must not be more than min-clients (1)", results.getMessage());
    assertTrue(name.getMessage().startsWith("run must be letters"), name.getMessage());
  }
}

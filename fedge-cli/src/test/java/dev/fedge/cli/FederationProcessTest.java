package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ParticipantRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedge server} and {@code fedge client} as real processes on 127.0.0.1: a federation that
 * learns, clients started first, a client killed mid-round, a server killed mid-run. Small data:
 * 300 Fashion-MNIST images per client, one local epoch of the cnn.
 */
@Timeout(300)
class FederationProcessTest {

  static final Duration LONG = Duration.ofSeconds(200);

  @TempDir Path dir;
  private final List<FedgeProcess> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (FedgeProcess p : processes) {
      p.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private FedgeProcess start(String name, String... args) throws IOException {
    FedgeProcess p = FedgeProcess.start(name, dir, args);
    processes.add(p);
    return p;
  }

  private Path state() {
    return dir.resolve("state");
  }

  private FedgeProcess server(int port, int minClients, int minResults, int rounds,
      String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--state-dir", state().toString(), "--data-dir", dir.resolve("data").toString(),
        "--http-port", "0", "--min-clients", Integer.toString(minClients), "--min-results",
        Integer.toString(minResults), "--rounds", Integer.toString(rounds),
        "--run", "fmnist", "--group", "lab", "--project", "fmnist",
        "--lr", "0.05", "--test-limit", "500", "--threads", "1",
        "--heartbeat-interval", "500ms", "--heartbeat-timeout", "5s", "--round-timeout", "120s",
        "--exit-when-done"));
    args.addAll(List.of(more));
    return start("server", args.toArray(String[]::new));
  }

  private FedgeProcess client(int port, int index, int of) throws IOException {
    return start("client" + index, "client", "--server", "127.0.0.1:" + port,
        "--partition", "iid", "--client-index", Integer.toString(index), "--of",
        Integer.toString(of), "--train-limit", "3000", "--test-limit", "100", "--threads", "1",
        "--data-dir", dir.resolve("data").toString(), "--backoff-max", "1s");
  }

  private ModelStore models() {
    return new ModelStore(state().resolve("models"));
  }

  private List<MetricsCsv.Row> metrics() throws IOException {
    return new MetricsCsv(state().resolve("runs/fmnist/metrics.csv")).read();
  }

  @Test
  void clientsStartedBeforeTheServer_threeClientsCompleteThreeRounds_andAccuracyRises()
      throws Exception {
    int port = freePort();
    List<FedgeProcess> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(client(port, i, 10));
    }
    for (FedgeProcess c : clients) {
      c.awaitLine("unreachable", LONG);
    }

    FedgeProcess server = server(port, 3, 3, 3);

    assertEquals(0, server.awaitExit(LONG), server::tail);
    assertTrue(server.hasLine("accepting clients from loopback addresses only"));
    assertTrue(server.hasLine("dashboard and API on http://127.0.0.1:"), server::tail);
    List<MetricsCsv.Row> rows = metrics();
    assertEquals(List.of(1, 2, 3), rows.stream().map(MetricsCsv.Row::round).toList());
    assertTrue(rows.get(2).accuracy() > rows.get(0).accuracy() + 0.05,
        "accuracy should rise: " + rows);
    assertTrue(rows.stream().allMatch(r -> r.participants() == 3 && r.failures() == 0),
        rows::toString);
    assertEquals(List.of(0, 1, 2, 3), models().rounds("lab", "fmnist"));
    for (FedgeProcess c : clients) {
      c.awaitLine("reachable again", Duration.ofSeconds(30));
      c.awaitLine("round 3: trained on 300 images", Duration.ofSeconds(30));
    }
    try (StateStore s = StateStore.open(state().resolve("fedge.db"))) {
      assertEquals(RunRecord.FINISHED, s.run("fmnist").orElseThrow().status());
      assertEquals(3, s.devices().size());
      assertTrue(s.devices().stream().allMatch(d -> d.facts().cores() >= 1
          && d.facts().memoryBytes() > 0 && d.telemetry() != null));
      assertEquals(3, s.rounds("fmnist").size());
      Map<String, Double> m = s.metrics("fmnist", 2);
      // three clients each downloaded the 1,663,370-parameter model (float32) and uploaded one
      assertTrue(m.get("bytes_sent") >= 3 * 4 * 1_663_370.0, m.toString());
      assertTrue(m.get("bytes_received") >= 3 * 4 * 1_663_370.0, m.toString());
      assertTrue(m.get("aggregation_seconds") > 0, m.toString());
    }
  }

  @Test
  void fedbuff_stepsOnTwoOfThreeUpdates_theThirdArrivesStaleInALaterStep_andTheModelLearns()
      throws Exception {
    int port = freePort();
    FedgeProcess server = server(port, 3, 1, 6, "--strategy", "fedbuff",
        "--strategy-opt", "buffer_size=2", "--strategy-opt", "concurrency=3");
    for (int i = 0; i < 3; i++) {
      client(port, i, 10);
    }

    assertEquals(0, server.awaitExit(LONG), server::tail);
    List<MetricsCsv.Row> rows = metrics();
    assertEquals(List.of(1, 2, 3, 4, 5, 6), rows.stream().map(MetricsCsv.Row::round).toList());
    assertTrue(rows.stream().allMatch(r -> r.participants() == 2), rows::toString);
    // 10 classes: chance is 0.1; three clients of 300 images, one epoch each per task, reach
    // 0.3 to 0.55 here, swinging from step to step (stale updates of the same few images)
    double lastThree = rows.subList(3, 6).stream().mapToDouble(MetricsCsv.Row::accuracy)
        .average().orElseThrow();
    assertTrue(lastThree > 0.3, "the model should learn: " + rows);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), models().rounds("lab", "fmnist"));
    try (StateStore s = StateStore.open(state().resolve("fedge.db"))) {
      double maxStaleness = 0;
      for (int step = 1; step <= 6; step++) {
        Map<String, Double> m = s.metrics("fmnist", step);
        assertTrue(m.containsKey("staleness_mean") && m.containsKey("in_flight"), m.toString());
        maxStaleness = Math.max(maxStaleness, m.get("staleness_max"));
      }
      // three clients train at once and a step takes two: one is always carried over
      assertTrue(maxStaleness >= 1, "no update arrived stale");
    }
  }

  @Test
  void clientKilledMidRound_roundStillCompletes_andTheClientRejoinsTheNextRound()
      throws Exception {
    int port = freePort();
    FedgeProcess server = server(port, 3, 2, 3);
    client(port, 0, 10);
    client(port, 1, 10);
    // the victim has more data, so it is surely still training when it is killed
    FedgeProcess victim = start("victim", "client", "--server", "127.0.0.1:" + port,
        "--partition", "iid", "--client-index", "1", "--of", "2", "--train-limit", "3000",
        "--test-limit", "100", "--threads", "1", "--data-dir", dir.resolve("data").toString(),
        "--name", "victim", "--backoff-max", "1s");
    server.awaitLine("round 2/3 started", LONG);
    victim.awaitLine("round 2: fit task", LONG);

    victim.kill9();
    FedgeProcess back = start("victim-again", "client", "--server", "127.0.0.1:" + port,
        "--partition", "iid", "--client-index", "1", "--of", "2", "--train-limit", "3000",
        "--test-limit", "100", "--threads", "1", "--data-dir", dir.resolve("data").toString(),
        "--name", "victim", "--backoff-max", "1s");

    assertEquals(0, server.awaitExit(LONG), server::tail);
    back.awaitLine("round 3: trained on 1500 images", Duration.ofSeconds(30));
    try (StateStore s = StateStore.open(state().resolve("fedge.db"))) {
      String victimId = s.devices().stream().filter(d -> d.name().equals("victim"))
          .findFirst().orElseThrow().id();
      List<ParticipantRecord> round2 = s.participants("fmnist", 2);
      assertEquals(3, round2.size(), round2::toString);
      ParticipantRecord failed = round2.stream()
          .filter(p -> p.clientId().equals(victimId)).findFirst().orElseThrow();
      assertEquals(ParticipantRecord.FAILED, failed.outcome());
      // the killed process's task ends by whichever comes first once it has been silent for the
      // heartbeat timeout: the reaper ("no heartbeat") or the restarted client taking its name
      // over (Enrollment.decide refuses the name until then)
      assertTrue(failed.reason().contains("registered again")
          || failed.reason().contains("no heartbeat")
          || failed.reason().contains("its name was taken over"), failed.reason());
      assertEquals(2, round2.stream().filter(p -> p.outcome().equals("ok")).count());
      List<ParticipantRecord> round3 = s.participants("fmnist", 3);
      assertEquals(3, round3.stream().filter(p -> p.outcome().equals("ok")).count(),
          round3::toString);
      assertEquals(3, s.rounds("fmnist").size());
    }
  }

  @Test
  void serverKilledMidRun_restartedOnTheSameStateDir_resumesAtTheNextRound() throws Exception {
    int port = freePort();
    FedgeProcess first = server(port, 2, 2, 3);
    client(port, 0, 10);
    client(port, 1, 10);
    first.awaitLine("round 2/3 done", LONG);

    first.kill9();
    String sha1 = ModelStore.sha256(models().modelFile(new ModelKey("lab", "fmnist", 1)));
    String sha2 = ModelStore.sha256(models().modelFile(new ModelKey("lab", "fmnist", 2)));
    FedgeProcess second = server(port, 2, 2, 3);

    assertEquals(0, second.awaitExit(LONG), second::tail);
    String resumed = second.awaitLine("resuming run 'fmnist' after round", Duration.ZERO);
    assertTrue(resumed.endsWith("after round 2 of 3") || resumed.endsWith("after round 3 of 3"),
        resumed);
    assertFalse(second.hasLine("round 1/3 started"), second::tail);
    assertFalse(second.hasLine("round 2/3 started"), second::tail);
    assertEquals(List.of(0, 1, 2, 3), models().rounds("lab", "fmnist"));
    assertEquals(sha1, ModelStore.sha256(models().modelFile(new ModelKey("lab", "fmnist", 1))));
    assertEquals(sha2, ModelStore.sha256(models().modelFile(new ModelKey("lab", "fmnist", 2))));
    assertEquals(List.of(1, 2, 3), metrics().stream().map(MetricsCsv.Row::round).toList());
    try (StateStore s = StateStore.open(state().resolve("fedge.db"))) {
      assertEquals(3, s.rounds("fmnist").size());
      assertEquals(3, s.events(EventRecord.ROUND_COMPLETED).size());
      assertEquals(1, s.events(EventRecord.RUN_RESUMED).size());
      assertEquals(RunRecord.FINISHED, s.run("fmnist").orElseThrow().status());
    }
    try (Stream<Path> runs = Files.list(state().resolve("runs"))) {
      assertEquals(1, runs.count());
    }
  }
}

package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Parameters;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-identification over the network: {@code fedge server --task reid --strategy fedpav} and two
 * {@code fedge client} processes on the Fashion-MNIST proxy. The server evaluates retrieval
 * centrally each round; the devices train their images of the training identities and keep their
 * identity heads, and ({@code --fraction-evaluate 1}) answer evaluate tasks by retrieval on the
 * proxy's query and gallery from their own test images.
 */
@Timeout(300)
class ReidFederationProcessTest {

  static final Duration LONG = Duration.ofSeconds(240);

  @TempDir Path dir;
  private final List<FedgeProcess> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (FedgeProcess p : processes) {
      p.close();
    }
  }

  private FedgeProcess start(String name, String... args) throws Exception {
    FedgeProcess p = FedgeProcess.start(name, dir, args);
    processes.add(p);
    return p;
  }

  @Test
  void fedpavReid_twoDevices_twoRounds_retrievalMetricsEachRound_headsStayOnTheDevices()
      throws Exception {
    int port = FederationProcessTest.freePort();
    Path state = dir.resolve("state");
    FedgeProcess server = start("server", "server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--state-dir", state.toString(), "--data-dir",
        dir.resolve("data").toString(), "--http-port", "0", "--min-clients", "2",
        "--min-results", "2", "--rounds", "2", "--run", "reid", "--group", "lab", "--project",
        "reid", "--task", "reid", "--strategy", "fedpav", "--test-limit", "1000", "--threads",
        "1", "--round-timeout", "200s", "--fraction-evaluate", "1", "--exit-when-done");
    List<FedgeProcess> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      clients.add(start("client" + i, "client", "--server", "127.0.0.1:" + port, "--partition", "iid",
          "--client-index", Integer.toString(i), "--of", "10", "--train-limit", "3000",
          "--test-limit", "300", "--threads", "1", "--data-dir", dir.resolve("data").toString(),
          "--backoff-max", "1s"));
    }

    assertEquals(0, server.awaitExit(LONG), server::tail);
    assertTrue(server.hasLine("round 2/2 done: rank-1 0\\.\\d+, mAP 0\\.\\d+"), server::tail);
    List<MetricsCsv.Row> rows = new MetricsCsv(state.resolve("runs/reid/metrics.csv"), true)
        .read();
    assertEquals(List.of(1, 2), rows.stream().map(MetricsCsv.Row::round).toList());
    for (MetricsCsv.Row r : rows) {
      for (String k : List.of("rank1", "rank5", "rank10", "mAP")) {
        double v = r.reid(k);
        assertTrue(v >= 0 && v <= 1, k + " of round " + r.round() + ": " + v);
      }
      assertTrue(r.reid("rank1") <= r.reid("rank5") && r.reid("rank5") <= r.reid("rank10"),
          r.toString());
      assertEquals(2, r.participants(), r.toString());
      // the devices' own retrieval on the proxy built from their 300 test images
      for (String k : List.of("client_rank1", "client_rank5", "client_rank10", "client_mAP")) {
        double v = r.reid(k);
        assertTrue(v >= 0 && v <= 1, k + " of round " + r.round() + ": " + v);
      }
    }
    for (FedgeProcess c : clients) {
      assertTrue(c.hasLine("round 2: evaluated retrieval on [1-9]\\d* queries: rank-1 "
          + "[01]\\.\\d+"), c::tail);
    }
    try (StateStore s = StateStore.open(state.resolve("fedge.db"))) {
      Map<String, Double> m = s.metrics("reid", 2);
      assertEquals(rows.get(1).reid("client_mAP"), m.get("client_mAP"), 1e-6, m.toString());
      assertTrue(m.get("central_mAP") >= 0 && m.get("central_rank1") >= 0, m.toString());
      // each device trained only its images of the 7 training identities (about 70 % of 300)
      assertTrue(m.get("num_examples") < 2 * 300 && m.get("num_examples") > 2 * 150, m.toString());
    }
    // fedpav: the backbone is averaged, the identity head is not (it stays the initial one)
    ModelStore models = new ModelStore(state.resolve("models"));
    Parameters first = models.load(new ModelKey("lab", "reid", 0));
    Parameters last = models.load(new ModelKey("lab", "reid", 2));
    assertArrayEquals(tensor(first, "head.weight"), tensor(last, "head.weight"));
    assertFalse(Arrays.equals(tensor(first, "embed.weight"), tensor(last, "embed.weight")));
    assertTrue(models.manifest(new ModelKey("lab", "reid", 2)).toString().contains("reid"));
  }

  private static float[] tensor(Parameters p, String name) {
    int k = p.layout().indexOf(name);
    int from = p.layout().offset(k);
    return Arrays.copyOfRange(p.values(), from, from + p.layout().tensors().get(k).size());
  }
}

package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Parameters;
import dev.fedge.data.reid.ReidFixtures;
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
 * Re-identification on a real layout over the network: {@code fedge server --task reid --dataset
 * veri776} evaluates on the real query/gallery, two {@code fedge client --dataset veri776}
 * processes train on their cameras' training images (a small VeRi-776 folder of real JPEGs,
 * {@link ReidFixtures}), and, with {@code --fraction-evaluate 1}, answer the evaluate tasks by
 * retrieval on their own cameras' query and gallery images; the server combines them into the
 * round's {@code client_rank1} ... {@code client_mAP}.
 */
@Timeout(300)
class ReidRealLayoutFederationProcessTest {

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
  void veriServerEvaluatesTheRealQueryGalleryDevicesTrainAndEvaluateTheirCameras()
      throws Exception {
    Path data = dir.resolve("data");
    ReidFixtures.veri(data.resolve("veri776"), 6, 3, 2, 4);
    int port = FederationProcessTest.freePort();
    Path state = dir.resolve("state");
    FedgeProcess server = start("server", "server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--state-dir", state.toString(), "--data-dir", data.toString(),
        "--http-port", "0", "--min-clients", "2", "--min-results", "2", "--rounds", "2",
        "--run", "veri", "--group", "lab", "--project", "veri", "--task", "reid", "--dataset",
        "veri776", "--strategy", "fedavg", "--batch-size", "8", "--threads", "1",
        "--round-timeout", "200s", "--fraction-evaluate", "1", "--exit-when-done");
    List<FedgeProcess> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      clients.add(start("client" + i, "client", "--server", "127.0.0.1:" + port, "--dataset",
          "veri776", "--partition", "camera", "--client-index", Integer.toString(i), "--of",
          "2", "--threads", "1", "--data-dir", data.toString(), "--backoff-max", "1s"));
    }

    assertEquals(0, server.awaitExit(LONG), server::tail);
    assertTrue(server.hasLine("round 2/2 done: rank-1 [01]\\.\\d+, mAP [01]\\.\\d+"),
        server::tail);
    for (FedgeProcess c : clients) {
      assertTrue(c.hasLine("veri776 \\(.*\\) camera part [01] of 2: \\d+ training images of 6 "
          + "identities \\(of 6\\) from cameras \\[[123](, [123])*\\], input 64x32"), c::tail);
    }
    List<MetricsCsv.Row> rows = new MetricsCsv(state.resolve("runs/veri/metrics.csv"), true)
        .read();
    assertEquals(List.of(1, 2), rows.stream().map(MetricsCsv.Row::round).toList());
    for (MetricsCsv.Row r : rows) {
      for (String k : List.of("rank1", "rank5", "rank10", "mAP")) {
        double v = r.reid(k);
        assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, k + " of round " + r.round() + ": "
            + v);
      }
      assertEquals(2, r.participants(), r.toString());
      // the devices' own retrieval: with partition seed 42 device 0 has cameras 1 and 3 (all
      // queries are from camera 1, matched in camera 3), device 1 camera 2 (no query)
      for (String k : List.of("client_rank1", "client_rank5", "client_rank10", "client_mAP")) {
        double v = r.reid(k);
        assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, k + " of round " + r.round() + ": "
            + v);
      }
      assertTrue(r.reid("client_rank1") <= r.reid("client_rank5"), r.toString());
    }
    assertTrue(clients.get(0).hasLine("cameras \\[1, 3\\].*evaluates on 4 queries and 16 gallery "
        + "images"), clients.get(0)::tail);
    assertTrue(clients.get(0).hasLine("round 2: evaluated retrieval on 4 queries: rank-1 "
        + "[01]\\.\\d+, rank-5 [01]\\.\\d+, rank-10 [01]\\.\\d+, mAP [01]\\.\\d+"),
        clients.get(0)::tail);
    assertTrue(clients.get(1).hasLine("cameras \\[2\\].*no retrieval evaluation here"),
        clients.get(1)::tail);
    // the same numbers in the state database's round metrics (API, dashboard), weighted by the
    // valid queries: only device 0's 4 count
    try (StateStore st = StateStore.open(state.resolve("fedge.db"))) {
      Map<String, Double> m = st.metrics("veri", 2);
      assertEquals(rows.get(1).reid("client_mAP"), m.get("client_mAP"), 1e-6, m.toString());
      assertEquals(rows.get(1).reid("client_rank1"), m.get("client_rank1"), 1e-6);
    }
    // one head row per training vehicle, 64x32 RGB input
    ModelStore models = new ModelStore(state.resolve("models"));
    Parameters last = models.load(new ModelKey("lab", "veri", 2));
    int head = last.layout().indexOf("head.weight");
    assertEquals(List.of(6, 512), Arrays.stream(last.layout().tensors().get(head).shape())
        .boxed().toList());
    String manifest = models.manifest(new ModelKey("lab", "veri", 2)).toString();
    assertTrue(manifest.contains("reid veri776"), manifest);
  }
}

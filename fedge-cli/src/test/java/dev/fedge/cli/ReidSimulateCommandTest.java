package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge simulate --task reid} on the Fashion-MNIST retrieval proxy, end to end. */
class ReidSimulateCommandTest {

  private static final String[] SMALL = {"simulate", "--task", "reid", "--clients", "3",
      "--train-limit", "1200", "--test-limit", "1000", "--local-epochs", "1",
      "--lr", "0.05", "--seed", "3"};

  @Test
  void fedpavOnIdentityPartitions_writesRetrievalMetricsModelAndProvenance(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run");

    CliRun run = CliRun.of(concat(SMALL, "--strategy", "fedpav", "--partition", "identity:2", "--rounds", "2",
        "--out", out.toString()));

    assertEquals(0, run.code(), run.err() + run.out());
    String csv = Files.readString(out.resolve("metrics.csv"));
    assertTrue(csv.startsWith(MetricsCsv.HEADER + ",rank1,rank5,rank10,mAP"), csv);
    List<MetricsCsv.Row> rows = new MetricsCsv(out.resolve("metrics.csv"), true).read();
    assertEquals(2, rows.size());
    for (MetricsCsv.Row r : rows) {
      assertTrue(Double.isNaN(r.accuracy()), "retrieval has no accuracy: " + csv);
      assertTrue(r.reid("rank1") > 0 && r.reid("rank1") <= r.reid("rank5"), csv);
      assertTrue(r.reid("rank5") <= r.reid("rank10") && r.reid("rank10") <= 1, csv);
      assertTrue(r.reid("mAP") > 0 && r.reid("mAP") <= 1, csv);
      assertTrue(r.trainLoss() > 0, csv);
    }
    assertTrue(run.out().contains("rank1 "), run.out());
    assertTrue(run.out().contains("mAP "), run.out());
    assertTrue(run.out().contains("final rank1"), run.out());
    assertTrue(run.out().contains("reid-cnn on the fashion-mnist proxy, 3 clients"), run.out());
    assertTrue(run.out().contains("reid proxy (open-set retrieval"), run.out());
    SafeTensors.Contents model = SafeTensors.read(out.resolve("model.safetensors"));
    // 7 training identities, 512-d embeddings: the classifier FedPav keeps on the clients
    int head = model.parameters().layout().indexOf("head.weight");
    assertEquals(List.of(7, 512), java.util.Arrays.stream(
        model.parameters().layout().tensors().get(head).shape()).boxed().toList());
    JsonNode prov = new ObjectMapper().readTree(out.resolve("manifest.json").toFile())
        .path("provenance");
    assertEquals("reid", prov.path("task").path("name").asText(), prov.toString());
    assertEquals("reid-cnn", prov.path("task").path("model").asText(), prov.toString());
    assertEquals(rows.get(1).reid("mAP"), prov.path("metrics").path("mAP").asDouble(), 1e-6);
    assertEquals("fedpav", prov.path("strategy").path("strategy").asText(), prov.toString());
    String yaml = Files.readString(out.resolve("config.yaml"));
    assertTrue(yaml.contains("task: reid") || yaml.contains("task: \"reid\""), yaml);
    assertTrue(Files.readString(out.resolve("retrieval.svg")).contains("rank1"));
  }

  @Test
  void localOnly_reportsTheClientsOwnModelsOnTheQueries(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("local");

    CliRun run = CliRun.of(concat(SMALL, "--strategy", "local-only", "--partition", "camera",
        "--rounds", "1", "--out", out.toString()));

    assertEquals(0, run.code(), run.err() + run.out());
    MetricsCsv.Row r = new MetricsCsv(out.resolve("metrics.csv"), true).read().get(0);
    assertTrue(r.reid("mAP") > 0 && r.reid("mAP") <= 1, "mAP " + r);
    assertTrue(Double.isNaN(r.accuracy()), "no accuracy is made up: " + r);
  }

  @Test
  void badTaskOrDataset_oneLineExit2(@TempDir Path dir) {
    CliRun task = CliRun.of("simulate", "--task", "detect", "--out", dir.resolve("a").toString());
    CliRun data = CliRun.of("simulate", "--task", "reid", "--dataset", "mnist", "--out",
        dir.resolve("b").toString());

    assertEquals(2, task.code(), task.err());
    assertTrue(task.err().contains("unknown task 'detect'"), task.err());
    assertEquals(2, data.code(), data.err());
    assertTrue(data.err().contains("task reid: dataset 'mnist'"), data.err());
    assertFalse(data.err().contains("Exception"), data.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}

package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.reid.ReidFixtures;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedge simulate --task reid} on small VeRi-776 and Market-1501 folders in the real
 * layouts, with real JPEGs ({@link ReidFixtures}), end to end.
 */
class ReidRealLayoutSimulateTest {

  @TempDir Path dir;

  private static String[] args(Path data, Path out, String dataset, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("simulate", "--task", "reid",
        "--dataset", dataset, "--data-dir", data.toString(), "--clients", "3",
        "--local-epochs", "1", "--batch-size", "8", "--lr", "0.05", "--seed", "3",
        "--out", out.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static void assertFiniteRetrieval(List<MetricsCsv.Row> rows, String csv) {
    for (MetricsCsv.Row r : rows) {
      for (String k : List.of("rank1", "rank5", "rank10", "mAP")) {
        double v = r.reid(k);
        assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, k + " " + v + " in " + csv);
      }
      assertTrue(r.reid("rank1") <= r.reid("rank5") && r.reid("rank5") <= r.reid("rank10"), csv);
      assertTrue(r.reid("mAP") > 0, csv);
      assertTrue(Double.isNaN(r.accuracy()), "retrieval has no accuracy: " + csv);
    }
  }

  @Test
  void veriByCameraTrainsTwoRoundsAndEvaluatesOnTheRealQueryAndGallery() throws Exception {
    ReidFixtures.veri(dir.resolve("data/veri776"), 6, 3, 2, 4);
    Path out = dir.resolve("veri");

    CliRun run = CliRun.of(args(dir.resolve("data"), out, "veri776", "--strategy", "fedpav",
        "--partition", "camera", "--rounds", "2"));

    assertEquals(0, run.code(), run.err() + run.out());
    String csv = Files.readString(out.resolve("metrics.csv"));
    List<MetricsCsv.Row> rows = new MetricsCsv(out.resolve("metrics.csv"), true).read();
    assertEquals(2, rows.size(), csv);
    assertFiniteRetrieval(rows, csv);
    // each vehicle has its own colour: the decoded pixels carry identity, so retrieval is well
    // above chance (4 query vehicles: about 0.25); an untrained network finds the colours too, so
    // no gain from training is asserted
    assertTrue(rows.get(1).reid("rank1") >= 0.75, csv);
    assertTrue(run.out().contains("reid veri776 (" + dir.resolve("data/veri776")
        + "): 36 training images of 6 identities from 3 cameras, 4 queries and 24 gallery "
        + "images, input 64x32"), run.out());
    assertTrue(run.out().contains("reid-cnn on veri776, 3 clients (camera)"), run.out());
    assertFalse(run.out().contains("proxy"), run.out());
    assertTrue(Files.readString(out.resolve("retrieval.svg")).contains("on veri776 query"));
    // 6 training identities: one classifier row each
    SafeTensors.Contents model = SafeTensors.read(out.resolve("model.safetensors"));
    int head = model.parameters().layout().indexOf("head.weight");
    assertEquals(List.of(6, 512), java.util.Arrays.stream(
        model.parameters().layout().tensors().get(head).shape()).boxed().toList());
  }

  @Test
  void marketByIdentityAtAGivenSizeWithCaps() throws Exception {
    Path data = ReidFixtures.market(dir.resolve("market"), 6, 3, 1, 4);
    Path out = dir.resolve("market-run");

    // --data-dir may name the layout's folder itself
    CliRun run = CliRun.of(args(data, out, "market1501:32x16", "--strategy", "fedavg",
        "--partition", "identity:1", "--rounds", "1", "--train-limit", "12",
        "--test-limit", "14"));

    assertEquals(0, run.code(), run.err() + run.out());
    String csv = Files.readString(out.resolve("metrics.csv"));
    assertFiniteRetrieval(new MetricsCsv(out.resolve("metrics.csv"), true).read(), csv);
    assertTrue(run.out().contains("12 training images of 6 identities from 3 cameras (of 18, "
        + "train-limit)"), run.out());
    assertTrue(run.out().contains("input 32x16"), run.out());
  }

  @Test
  void missingLayoutSaysWhereToPutTheFilesInOneLine() {
    CliRun run = CliRun.of(args(dir.resolve("empty"), dir.resolve("x"), "veri776",
        "--rounds", "1"));

    assertEquals(ExitException.UNAVAILABLE, run.code(), run.out() + run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("veri776: missing image_train/"), run.err());
    assertTrue(run.err().contains(dir.resolve("empty/veri776") + "/"), run.err());
  }

  @Test
  void corruptJpegIsOneLineNamingTheFile() throws Exception {
    Path data = ReidFixtures.veri(dir.resolve("veri776"), 3, 3, 1, 2);
    Path bad = data.resolve("image_query/0004_c001_00000013_9.jpg");
    assertTrue(Files.isRegularFile(bad), bad.toString());
    Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});

    CliRun run = CliRun.of(args(data, dir.resolve("y"), "veri776", "--rounds", "1"));

    assertEquals(2, run.code(), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains(bad.toString() + ": "), run.err());
  }
}

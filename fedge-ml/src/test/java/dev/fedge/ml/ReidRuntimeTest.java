package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.reid.ReidImages;
import dev.fedge.data.reid.ReidMetrics;
import dev.fedge.data.reid.ReidSplit;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embeddings from the runtime, and a re-ID client's training and retrieval evaluation. */
class ReidRuntimeTest {

  private static DjlRuntime runtime;
  private static ImageDataset train;
  private static ReidImages query;
  private static ReidImages gallery;

  @BeforeAll
  static void start() {
    runtime = DjlRuntime.create(new ReidNet("cnn", 1, 16, 16, 6, 32), 5, 1);
    train = SyntheticImages.create(240, 1, 1, 16, 16, 6);
    query = withCameras(SyntheticImages.create(24, 2, 1, 16, 16, 6), 1, ReidSplit.QUERY);
    gallery = withCameras(SyntheticImages.create(60, 3, 1, 16, 16, 6), 2, ReidSplit.GALLERY);
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  private static ReidImages withCameras(ImageDataset d, int camera, ReidSplit split) {
    int[] cams = new int[d.size()];
    java.util.Arrays.fill(cams, camera);
    return new ReidImages(d, d.labels(), cams, split);
  }

  @Test
  void embedGivesOneNormalisedRowPerImage_sameFromDataAndFromFloats() {
    Parameters p = runtime.initialParameters();
    ImageDataset d = query.images();

    float[][] e = runtime.embed(p, d, 7);
    float[] flat = new float[d.size() * d.imageSize()];
    for (int i = 0; i < d.size(); i++) {
      d.copyNormalized(i, flat, i * d.imageSize());
    }
    float[][] f = runtime.embed(p, flat, d.size());

    assertEquals(24, e.length);
    for (int i = 0; i < e.length; i++) {
      assertEquals(32, e[i].length);
      assertArrayEquals(e[i], f[i], 1e-5f, "row " + i);
      double mean = 0;
      for (float v : e[i]) {
        mean += v / 32.0;
      }
      assertEquals(0, mean, 1e-4, "the neck centres each embedding");
    }
  }

  @Test
  void classifierHasNoEmbeddings_oneLineSaysSo() {
    try (DjlRuntime plain = DjlRuntime.create("cnn", 1, 16, 16, 6, 1, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> plain.embed(plain.initialParameters(), query.images(), 8));
      assertTrue(e.getMessage().contains("classifier without embeddings"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> DjlLocalTrainer.reid(plain, train, null, 0));
    }
  }

  @Test
  void reidClientTrainsKeepsItsHeadAndEvaluatesByRetrieval() {
    ReidEvaluation eval = new ReidEvaluation(runtime, query, gallery);
    DjlLocalTrainer client = DjlLocalTrainer.reid(runtime, train, eval, 0);
    Parameters init = runtime.initialParameters();
    Config cfg = Config.of("lr", 0.05, "batch_size", 32, "round", 1, "seed", 3,
        "local_epochs", 2, "local_layers", "head\\..*", "label_smoothing", 0.1);

    EvaluateRes before = client.evaluate(new EvaluateIns(init, Config.empty()));
    FitRes fit = client.fit(new FitIns(init, cfg));
    EvaluateRes after = client.evaluate(new EvaluateIns(fit.parameters(),
        Config.of("personal", true)));

    assertEquals(Set.of("head.weight"), client.personalTensors());
    assertTrue(fit.metric("loss", -1) > 0, "loss " + fit.metrics());
    assertEquals(24, after.numExamples(), "every query has a match from another camera");
    assertEquals(Set.copyOf(ReidMetrics.NAMES), after.metrics().keySet());
    assertTrue(Double.isNaN(after.loss()));
    double r1 = after.metrics().get("rank1");
    double r5 = after.metrics().get("rank5");
    double map = after.metrics().get("mAP");
    assertTrue(r1 <= r5 && r5 <= after.metrics().get("rank10"), after.metrics().toString());
    // the bars are learnable: trained embeddings retrieve the same bar far better than chance
    assertTrue(map > 0.9 && map >= before.metrics().get("mAP") - 1e-9,
        "mAP before " + before.metrics() + ", after " + after.metrics());
    // the same numbers straight from the evaluator on the embeddings
    ReidMetrics direct = eval.metrics(fit.parameters(), 16);
    assertEquals(direct.mAP(), map, 1e-9);
  }

  @Test
  void aDivergedFit_doesNotPoisonTheHeadTheClientKeeps() {
    // FedPav keeps the head on the client: a fit whose training diverged (its update is rejected
    // by the server's update checks) must not leave a non-finite head for every later round
    DjlLocalTrainer client = DjlLocalTrainer.reid(runtime, train, null, 0);
    Parameters init = runtime.initialParameters();
    Config diverging = Config.of("lr", 1e30, "batch_size", 32, "round", 1, "seed", 3,
        "local_layers", "head\\..*");
    Config sane = Config.of("lr", 0.05, "batch_size", 32, "round", 2, "seed", 3,
        "local_layers", "head\\..*");

    FitRes diverged = client.fit(new FitIns(init, diverging));
    FitRes next = client.fit(new FitIns(init, sane));

    assertTrue(diverged.parameters().firstNonFinite() >= 0, "the first fit must diverge");
    assertEquals(-1, next.parameters().firstNonFinite(),
        "the next round starts from the last finite head, not the diverged one");
    assertEquals(Set.of("head.weight"), client.personalTensors());
  }
}

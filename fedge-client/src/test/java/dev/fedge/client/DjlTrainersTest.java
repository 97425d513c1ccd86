package dev.fedge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.Models;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlTrainersTest {

  @TempDir Path dataDir;

  @Test
  void trainerFor_findsTheModelByLayout_andTrains() throws Exception {
    LocalData data = LocalData.load(
        new LocalData.Spec("fashion-mnist", dataDir, null, null, null, 1, 64, 32));
    ParameterLayout cnn = Models.create("cnn", 1, 28, 28, 10).layout();
    try (DjlTrainers trainers = new DjlTrainers(data, 7, 1);
        DjlRuntime server = DjlRuntime.create("cnn", 1, 28, 28, 10, 3, 1)) {

      LocalTrainer trainer = trainers.trainerFor(cnn);
      FitRes res = trainer.fit(new FitIns(server.initialParameters(), Config.of("lr", 0.05)));

      assertEquals("cnn", trainers.model());
      assertSame(trainer, trainers.trainerFor(cnn));
      assertEquals(64, res.numExamples());
      assertEquals(cnn, res.parameters().layout());
      assertTrue(Double.isFinite(res.metric(FitRes.LOSS, Double.NaN)));
    }
  }

  @Test
  void trainerFor_heteroFlTask_buildsTheWidthModelNamedByItsWidth() throws Exception {
    LocalData data = LocalData.load(
        new LocalData.Spec("fashion-mnist", dataDir, null, null, null, 1, 16, 16));
    ParameterLayout narrow = Models.create("cnn-x0.75", 1, 28, 28, 10).layout();
    try (DjlTrainers trainers = new DjlTrainers(data, 7, 1)) {

      LocalTrainer trainer = trainers.trainerFor(narrow,
          Config.of(dev.fedge.api.ConfigKeys.WIDTH, 0.75));

      assertEquals("cnn-x0.75", trainers.model());
      assertEquals(narrow, trainer.layout());
    }
  }

  @Test
  void trainerFor_unknownLayout_explains() throws Exception {
    LocalData data = LocalData.load(
        new LocalData.Spec("fashion-mnist", dataDir, null, null, null, 1, 16, 16));
    try (DjlTrainers trainers = new DjlTrainers(data, 7, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> trainers.trainerFor(ParameterLayout.of(new TensorSpec("x", new int[] {3}))));

      assertTrue(e.getMessage().startsWith("the server's model (1 tensors, 3 values) is none of"
          + " [cnn, resnet18, resnet50, mobilenetv2, mobilenetv2-x0.75, mobilenetv2-x0.5,"
          + " mobilenetv2-x0.35, mobilenetv2-x0.25, efficientnet-b0, cnn-x0.5, cnn-x0.25,"
          + " resnet18-x0.5, resnet18-x0.25] for this device's 1x28x28 images with 10 classes"),
          e.getMessage());
    }
  }

  /** Every retrieval metric is a fraction, rank-1 <= rank-5 <= rank-10. */
  private static void assertRetrieval(dev.fedge.api.EvaluateRes res) {
    for (String k : java.util.List.of("rank1", "rank5", "rank10", "mAP")) {
      double v = res.metrics().get(k);
      assertTrue(v >= 0 && v <= 1, k + ": " + v);
    }
    assertTrue(res.metrics().get("rank1") <= res.metrics().get("rank5")
        && res.metrics().get("rank5") <= res.metrics().get("rank10"), res.toString());
  }

  @Test
  void reidTask_onTheProxy_evaluatesRetrievalOnTheDevicesOwnQueryAndGallery() throws Exception {
    LocalData data = LocalData.load(
        new LocalData.Spec("fashion-mnist", dataDir, "iid", 1, 2, 42, 200, 300));
    dev.fedge.ml.ReidNet net = new dev.fedge.ml.ReidNet("cnn", 1, 28, 28, 7, 512);
    LocalData.Retrieval own = data.retrievalFor(42).orElseThrow();
    try (DjlTrainers trainers = new DjlTrainers(data, 7, 1);
        DjlRuntime server = DjlRuntime.create(net, 3, 1)) {

      dev.fedge.api.EvaluateRes res = trainers.trainerFor(net.layout())
          .evaluate(new dev.fedge.api.EvaluateIns(server.initialParameters(), Config.empty()));

      // the proxy's queries are classes 7-9 of the device's 300 test images, all with a match
      assertTrue(own.query().size() > 0 && own.gallery().size() > own.query().size(),
          own.description());
      assertTrue(java.util.Arrays.stream(own.query().identities()).allMatch(i -> i >= 7));
      assertEquals(own.query().size(), res.numExamples());
      assertTrue(Double.isNaN(res.loss()));
      assertRetrieval(res);
    }
  }

  @Test
  void reidTask_onARealLayout_evaluatesTheDevicesShareOfQueryAndGallery() throws Exception {
    Path veri = dev.fedge.data.reid.ReidFixtures.veri(dataDir.resolve("veri776"), 6, 3, 2, 4);
    LocalData data = LocalData.load(
        new LocalData.Spec("veri776", dataDir, "identity:1", 0, 2, 42, 0, 0));
    dev.fedge.ml.ReidNet net = new dev.fedge.ml.ReidNet("cnn", 3, 64, 32, 6, 512);
    try (DjlTrainers trainers = new DjlTrainers(data, 7, 1);
        DjlRuntime server = DjlRuntime.create(net, 3, 1)) {

      dev.fedge.api.EvaluateRes res = trainers.trainerFor(net.layout())
          .evaluate(new dev.fedge.api.EvaluateIns(server.initialParameters(), Config.empty()));

      // test vehicles 7-10 dealt in turn: this device has 7 and 9, one query each (camera 1),
      // and their 2 x 3 cameras x 2 gallery images
      LocalData.Retrieval own = data.retrieval();
      assertEquals(java.util.List.of(7, 9), java.util.Arrays.stream(own.query().identities())
          .boxed().toList());
      assertEquals(12, own.gallery().size());
      assertEquals(2, res.numExamples());
      assertRetrieval(res);
      assertTrue(data.description().contains("evaluates on 2 queries and 12 gallery images "
          + "(test identities dealt in turn: 2 of 4)"), data.description());
      assertTrue(veri.toFile().isDirectory());
    }
  }
}

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
}

package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.data.DataSplit;
import dev.fedge.data.DatasetUnavailableException;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Trains the CNN on a real subset of Fashion-MNIST (Debian's dataset-fashion-mnist package). */
class FashionMnistTrainingTest {

  @Test
  void cnnLearnsFashionMnistWellAboveChance() throws IOException {
    DataSplit split;
    try {
      split = Datasets.load("fashion-mnist", Path.of("data"));
    } catch (DatasetUnavailableException e) {
      Assumptions.abort("Fashion-MNIST is not available here: " + e.getMessage());
      return;
    }
    ImageDataset train = split.train().head(2000);
    ImageDataset test = split.test().head(1000);
    try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1)) {
      LocalTrainer trainer = rt.trainer(train, test, 0);
      Config config =
          Config.of("local_epochs", 3, "batch_size", 32, "lr", 0.05, "momentum", 0.9, "round", 1);

      FitRes res = trainer.fit(new FitIns(rt.initialParameters(), config));
      EvaluateRes eval = trainer.evaluate(new EvaluateIns(res.parameters(), Config.empty()));
      EvaluateRes central = rt.evaluate(res.parameters(), test, 500);

      assertEquals(2000, res.numExamples());
      assertEquals(3 * 63, res.metric("num_steps", 0));
      assertTrue(eval.accuracy() > 0.7, "test accuracy " + eval.accuracy());
      assertEquals(eval.accuracy(), central.accuracy(), 1e-9);
      assertEquals(eval.loss(), central.loss(), 1e-4);
    }
  }
}

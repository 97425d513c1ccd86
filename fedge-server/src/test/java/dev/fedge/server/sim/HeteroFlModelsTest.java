package dev.fedge.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.Models;
import dev.fedge.strategy.Submodels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The strategy's slices (fedge-strategy) are the width models (fedge-ml), and they train. */
class HeteroFlModelsTest {

  @ParameterizedTest
  @CsvSource({"cnn, 0.5", "cnn, 0.25", "resnet18, 0.25"})
  void aSlicedFullModelLoadsIntoTheWidthModelAndTrainsAStep(String model, double w) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    byte[] px = new byte[64 * 28 * 28];
    int[] labels = new int[64];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) rnd.nextInt(256);
    }
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10;
    }
    ImageDataset train = new ImageDataset("random", 1, 28, 28,
        java.util.stream.IntStream.range(0, 10).mapToObj(k -> "c" + k).toList(), px, labels,
        dev.fedge.data.Normalization.unit(1));
    ParameterLayout full = Models.create(model, 1, 28, 28, 10).layout();
    try (DjlRuntime big = DjlRuntime.create(model, 1, 28, 28, 10, 3, 1);
        DjlRuntime small = DjlRuntime.create(Models.widthName(model, w), 1, 28, 28, 10, 3, 1)) {
      assertTrue(Submodels.fits(full, small.layout()), small.layout().tensors().toString());
      Parameters global = big.initialParameters();
      Parameters part = Submodels.slice(global, small.layout());
      assertEquals(small.layout(), part.layout());

      FitRes res = small.trainer(train, null, 0).fit(new FitIns(part, Config.of("local_epochs", 1,
          "batch_size", 32, "lr", 0.05, "max_steps", 1, "round", 1, "seed", 3L)));

      assertEquals(1.0, res.metric(FitRes.NUM_STEPS, 0));
      Parameters back = Submodels.scatter(global, res.parameters());
      int changed = 0;
      for (int i = 0; i < global.size(); i++) {
        changed += back.values()[i] != global.values()[i] ? 1 : 0;
      }
      assertTrue(changed > 0 && changed <= part.size(), changed + " of " + part.size());
    }
  }
}

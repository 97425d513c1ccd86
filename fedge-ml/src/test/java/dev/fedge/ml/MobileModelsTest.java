package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.data.ImageDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** MobileNetV2 and EfficientNet-B0: the papers' sizes, small inputs, and real training steps. */
class MobileModelsTest {

  @ParameterizedTest
  @CsvSource({"mobilenetv2, 3504872, 3.4", "efficientnet-b0, 5288548, 5.3"})
  void atImageNetShape_parameterCountsAreTorchvisionsAndThePapers(
      String name, int torchvision, double paperMillions) {
    ParameterLayout layout = Models.create(name, 3, 224, 224, 1000).layout();

    assertEquals(torchvision, layout.totalSize(), name + " against torchvision's count");
    assertEquals(paperMillions, layout.totalSize() / 1e6, 0.11, name + " against the paper");
    int n = layout.count();
    assertEquals("head.weight", layout.tensors().get(n - 2).name());
    assertEquals("head.bias", layout.tensors().get(n - 1).name());
  }

  @Test
  void widthMultiplier_scalesEveryLayer_andNamesTheModel() {
    Network full = Models.create("mobilenetv2", 1, 28, 28, 10);
    Network half = Models.create("mobilenetv2-x0.5", 1, 28, 28, 10);
    Network quarter = Models.create("mobilenetv2-x0.25", 1, 28, 28, 10);
    ParameterLayout f = full.layout();
    ParameterLayout h = half.layout();

    assertEquals("mobilenetv2-x0.5", half.name());
    assertEquals(2_236_106, f.totalSize());
    assertEquals(700_202, h.totalSize());
    assertEquals(4_019_782, Models.create("efficientnet-b0", 1, 28, 28, 10).layout().totalSize());
    assertEquals(f.count(), h.count(), "the same tensors, narrower");
    int last = f.indexOf("last.conv.weight");
    assertEquals(320, f.tensors().get(last).shape()[1]);
    assertEquals(160, h.tensors().get(last).shape()[1]);
    assertTrue(quarter.layout().totalSize() < h.totalSize() && h.totalSize() < f.totalSize());
    assertEquals(1280, f.tensors().get(f.indexOf("head.weight")).shape()[1],
        "the last layer keeps 1280 channels below width 1");
    assertThrows(IllegalArgumentException.class,
        () -> Models.create("mobilenetv2-xwide", 1, 28, 28, 10));
  }

  @ParameterizedTest
  @CsvSource({"mobilenetv2-x0.25, 1, 28", "efficientnet-b0, 3, 32"})
  void smallInputs_trainAFewSteps_andTheLossFalls(String name, int channels, int size) {
    ImageDataset data = SyntheticImages.create(64, 3, channels, size, size, 4);
    try (DjlRuntime rt = DjlRuntime.create(name, channels, size, size, 4, 5, 2)) {
      EvaluateRes before = rt.evaluate(rt.initialParameters(), data, 32);
      Config config = Config.of("local_epochs", 4, "batch_size", 16, "lr", 0.01, "momentum",
          0.9, "round", 1, "seed", 5L);

      FitRes res = rt.trainer(data, null, 0).fit(new FitIns(rt.initialParameters(), config));
      EvaluateRes after = rt.evaluate(res.parameters(), data, 32);

      assertEquals(64, res.numExamples());
      assertTrue(Double.isFinite(after.loss()), name + ": " + after);
      assertTrue(after.loss() < before.loss(),
          name + ": training loss should fall: " + before.loss() + " -> " + after.loss());
    }
  }
}

package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HeteroFL's width-scaled cnn and resnet18: shapes, names, and real training at a width. */
class WidthModelsTest {

  private static int[] shape(ParameterLayout l, String name) {
    return l.tensors().get(l.indexOf(name)).shape();
  }

  @Test
  void aHalfWidthCnnHalvesChannelsAndHiddenUnits_butNotTheInputOrTheClasses() {
    ParameterLayout full = Models.create("cnn", 1, 28, 28, 10).layout();
    Network half = Models.create("cnn-x0.5", 1, 28, 28, 10);
    ParameterLayout h = half.layout();

    assertEquals("cnn-x0.5", half.name());
    assertArrayEquals(new int[] {16, 1, 5, 5}, shape(h, "conv1.weight"));
    assertArrayEquals(new int[] {32, 16, 5, 5}, shape(h, "conv2.weight"));
    assertArrayEquals(new int[] {256, 32 * 7 * 7}, shape(h, "fc1.weight"));
    assertArrayEquals(new int[] {10, 256}, shape(h, "head.weight"));
    assertArrayEquals(new int[] {10}, shape(h, "head.bias"));
    assertEquals(full.count(), h.count());
    for (int i = 0; i < full.count(); i++) {
      int[] f = full.tensors().get(i).shape();
      int[] s = h.tensors().get(i).shape();
      assertEquals(full.tensors().get(i).name(), h.tensors().get(i).name());
      for (int d = 0; d < f.length; d++) {
        assertTrue(s[d] <= f[d], full.tensors().get(i) + " vs " + h.tensors().get(i));
      }
    }
    assertEquals(Models.create("cnn", 1, 28, 28, 10).layout(),
        Models.create("cnn-x1", 1, 28, 28, 10).layout());
  }

  @Test
  void aQuarterWidthResnetKeepsChannelsDivisibleByItsGroups() {
    ParameterLayout q = Models.create("resnet18-x0.25", 3, 32, 32, 10).layout();
    assertArrayEquals(new int[] {16, 3, 3, 3}, shape(q, "conv1.weight"));
    assertArrayEquals(new int[] {128, 128, 3, 3}, shape(q, "layer4.1.conv2.weight"));
    assertArrayEquals(new int[] {64, 32, 1, 1}, shape(q, "layer3.0.shortcut.conv.weight"));
    assertArrayEquals(new int[] {10, 128}, shape(q, "head.weight"));
    // 0.1 x 64 = 6.4 channels: 8, not 7 (two groups must divide them)
    ParameterLayout tiny = Models.create("resnet18-x0.1", 3, 32, 32, 10).layout();
    assertArrayEquals(new int[] {8}, shape(tiny, "gn1.weight"));
    assertArrayEquals(new int[] {14}, shape(tiny, "layer2.0.gn1.weight"));
    int full = Models.create("resnet18", 3, 32, 32, 10).layout().totalSize();
    assertTrue(q.totalSize() < full / 10, q.totalSize() + " of " + full);
  }

  @Test
  void widthsOutsideZeroToOneAreNoModels() {
    assertTrue(Models.isKnown("cnn-x0.25"));
    assertTrue(Models.isKnown("resnet18-x0.5"));
    assertFalse(Models.isKnown("cnn-x1.5"));
    assertFalse(Models.isKnown("cnn-x0"));
    assertFalse(Models.isKnown("cnn-xhalf"));
    assertThrows(IllegalArgumentException.class, () -> Models.create("cnn-x2", 1, 28, 28, 10));
    assertEquals("resnet18-x0.25", Models.widthName("resnet18", 0.25));
    assertEquals("cnn", Models.widthName("cnn", 1.0));
  }

  @ParameterizedTest
  @CsvSource({"cnn-x0.25, 1, 28", "resnet18-x0.25, 3, 16"})
  void aNarrowModelTrainsAndItsLossFalls(String name, int channels, int size) {
    ImageDataset data = SyntheticImages.create(64, 3, channels, size, size, 4);
    try (DjlRuntime rt = DjlRuntime.create(name, channels, size, size, 4, 5, 2)) {
      EvaluateRes before = rt.evaluate(rt.initialParameters(), data, 32);
      Config config = Config.of("local_epochs", 4, "batch_size", 16, "lr", 0.02, "momentum",
          0.9, "round", 1, "seed", 5L);

      FitRes res = rt.trainer(data, null, 0).fit(new FitIns(rt.initialParameters(), config));
      EvaluateRes after = rt.evaluate(res.parameters(), data, 32);

      assertEquals(rt.layout(), res.parameters().layout());
      assertTrue(after.loss() < before.loss(),
          name + ": training loss should fall: " + before.loss() + " -> " + after.loss());
    }
  }
}

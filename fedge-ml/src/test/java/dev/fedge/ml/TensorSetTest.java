package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.fedge.api.ParameterLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorSetTest {

  @Test
  void loadThenStoreGivesTheSameFloatsAndTheNativeArraysSeeThem() {
    ParameterLayout layout = Models.create("cnn", 1, 28, 28, 10).layout();
    float[] values = new float[layout.totalSize()];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian();
    }
    try (NDManager manager = Engine.getEngine(DjlRuntime.ENGINE).newBaseManager();
        TensorSet set = new TensorSet(manager, layout, true)) {

      set.load(values);
      float[] back = set.toFlat();

      assertArrayEquals(values, back);
      for (int i = 0; i < layout.count(); i++) {
        int off = layout.offset(i);
        float[] expected = Arrays.copyOfRange(values, off, off + layout.tensors().get(i).size());
        assertArrayEquals(expected, set.arrays()[i].toFloatArray(), layout.tensors().get(i).name());
      }
    }
  }

  @Test
  void inPlaceNativeChangesShowInTheFlatCopy() {
    ParameterLayout layout = Models.create("cnn", 1, 28, 28, 10).layout();
    float[] values = new float[layout.totalSize()];
    Arrays.fill(values, 2f);
    try (NDManager manager = Engine.getEngine(DjlRuntime.ENGINE).newBaseManager();
        TensorSet set = new TensorSet(manager, layout, false)) {
      set.load(values);

      set.arrays()[7].muli(3); // head.bias, in place

      float[] back = set.toFlat();
      int off = layout.offset(7);
      assertArrayEquals(
          new float[] {6, 6, 6, 6, 6, 6, 6, 6, 6, 6}, Arrays.copyOfRange(back, off, off + 10));
      assertArrayEquals(Arrays.copyOf(values, off), Arrays.copyOf(back, off));
    }
  }

  @Test
  void loadScaledMultipliesAndZeroClears() {
    ParameterLayout layout = Models.create("cnn", 1, 28, 28, 10).layout();
    float[] values = new float[layout.totalSize()];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % 7;
    }
    try (NDManager manager = Engine.getEngine(DjlRuntime.ENGINE).newBaseManager();
        TensorSet set = new TensorSet(manager, layout, false)) {

      set.loadScaled(values, 0.5f);
      float[] half = set.toFlat();
      set.zero();
      float[] zero = set.toFlat();

      for (int i = 0; i < values.length; i += 9973) {
        assertArrayEquals(new float[] {values[i] * 0.5f}, new float[] {half[i]});
      }
      assertArrayEquals(new float[values.length], zero);
    }
  }
}

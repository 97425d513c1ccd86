package dev.fedge.strategy.codec;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.SplittableRandom;

/** Parameters for codec tests: three tensors with very different magnitudes. */
final class CodecTestData {

  static final ParameterLayout LAYOUT =
      ParameterLayout.of(
          new TensorSpec("conv.weight", new int[] {8, 3, 3, 3}),
          new TensorSpec("conv.bias", new int[] {8}),
          new TensorSpec("fc.weight", new int[] {10, 50}));

  private CodecTestData() {}

  static Parameters random(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[LAYOUT.totalSize()];
    int bias = LAYOUT.offset(1);
    int fc = LAYOUT.offset(2);
    for (int i = 0; i < v.length; i++) {
      double scale = i < bias ? 0.5 : i < fc ? 0.001 : 20;
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return new Parameters(LAYOUT, v);
  }
}

package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OpsTest {

  @Test
  void groupNormMatchesTheDefinition() {
    int n = 2;
    int c = 4;
    int h = 3;
    int w = 3;
    int groups = 2;
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextGaussian() * 3 + 1);
    }
    float[] gamma = {1f, 2f, 0.5f, -1f};
    float[] beta = {0f, 1f, -1f, 0.25f};
    try (NDManager m = Engine.getEngine(DjlRuntime.ENGINE).newBaseManager()) {
      NDArray out =
          Ops.groupNorm(
              m.create(x, new Shape(n, c, h, w)), m.create(gamma), m.create(beta), groups);
      float[] got = out.toFloatArray();

      int per = c / groups * h * w;
      for (int e = 0; e < n; e++) {
        for (int g = 0; g < groups; g++) {
          int base = e * c * h * w + g * per;
          double mean = 0;
          for (int k = 0; k < per; k++) {
            mean += x[base + k];
          }
          mean /= per;
          double var = 0;
          for (int k = 0; k < per; k++) {
            var += (x[base + k] - mean) * (x[base + k] - mean);
          }
          var /= per;
          for (int k = 0; k < per; k++) {
            int ch = g * (c / groups) + k / (h * w);
            double expected =
                (x[base + k] - mean) / Math.sqrt(var + Ops.GN_EPS) * gamma[ch] + beta[ch];
            assertEquals(expected, got[base + k], 1e-4, "element " + (base + k));
          }
        }
      }
    }
  }
}

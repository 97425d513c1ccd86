package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NotTrueDistillationTest {

  // local z = [1, 2, 3], global z = [3, 1, 0], true class 0:
  // not-true local [2, 3] -> q_l = [1/(1+e), e/(1+e)]; global [1, 0] -> q_g = [e/(1+e), 1/(1+e)].
  // KL(q_g || q_l) = (e-1)/(e+1) * ln(e) = (e-1)/(e+1) = tanh(1/2) = 0.46211716
  private static final float[][] LOCAL = {{1, 2, 3}};
  private static final float[][] GLOBAL = {{3, 1, 0}};
  private static final int[] LABELS = {0};

  @Test
  void handComputedDivergenceAtTemperatureOne() {
    double kl = NotTrueDistillation.divergence(LOCAL, GLOBAL, LABELS, 1);

    assertEquals(Math.tanh(0.5), kl, 1e-7);
    assertEquals(0.46211716, kl, 1e-7);
  }

  @Test
  void handComputedLossAtTemperatureTwoIncludesTauSquaredAndBeta() {
    // tau = 2: local [1, 1.5], global [0.5, 0]: q_g = [s, 1-s], q_l = [1-s, s], s = sigmoid(0.5);
    // KL = (2s - 1) * 0.5 = tanh(1/4) / 2; loss = beta * tau^2 * KL.
    double loss = NotTrueDistillation.loss(LOCAL, GLOBAL, LABELS, 2, 0.5);

    assertEquals(0.5 * 4 * Math.tanh(0.25) / 2, loss, 1e-7);
  }

  @Test
  void trueClassLogitsDoNotMatter() {
    float[][] local = {{50, 2, 3}};
    float[][] global = {{-9, 1, 0}};

    assertEquals(
        NotTrueDistillation.divergence(LOCAL, GLOBAL, LABELS, 1),
        NotTrueDistillation.divergence(local, global, LABELS, 1),
        1e-9);
  }

  @Test
  void equalModelsHaveZeroDivergence() {
    assertEquals(0, NotTrueDistillation.divergence(LOCAL, LOCAL, LABELS, 3), 1e-12);
  }

  @Test
  void arrayVersionMatchesTheReference() {
    int n = 5;
    int c = 4;
    SplittableRandom rnd = new SplittableRandom(11);
    float[][] local = new float[n][c];
    float[][] global = new float[n][c];
    int[] labels = new int[n];
    float[] flatL = new float[n * c];
    float[] flatG = new float[n * c];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(c);
      for (int k = 0; k < c; k++) {
        local[i][k] = (float) rnd.nextGaussian() * 2;
        global[i][k] = (float) rnd.nextGaussian() * 2;
        flatL[i * c + k] = local[i][k];
        flatG[i * c + k] = global[i][k];
      }
    }
    LongBuffer idx =
        ByteBuffer.allocateDirect(n * (c - 1) * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    NotTrueDistillation.notTrueIndex(labels, n, c, idx);
    long[] index = new long[n * (c - 1)];
    idx.get(0, index);
    try (NDManager m = Engine.getEngine(DjlRuntime.ENGINE).newBaseManager()) {
      float got =
          NotTrueDistillation.divergence(
                  m.create(flatL, new Shape(n, c)),
                  m.create(flatG, new Shape(n, c)),
                  m.create(index, new Shape(n, c - 1)).toType(DataType.INT64, false),
                  1.5)
              .getFloat();

      assertEquals(NotTrueDistillation.divergence(local, global, labels, 1.5), got, 1e-5);
    }
  }

  @Test
  void mismatchedRowsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NotTrueDistillation.divergence(LOCAL, new float[2][3], LABELS, 1));
  }
}

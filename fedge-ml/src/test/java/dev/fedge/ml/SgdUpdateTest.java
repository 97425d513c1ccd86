package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The in-place SGD step of {@link SgdStep}, against the formulas written out by hand. */
class SgdUpdateTest {

  private static final float LR = 0.1f;
  private static final float[] W0 = {1f, -2f, 0.5f};
  private static final float[] C = {0.3f, 0.2f, -1f}; // loss = sum(c * w), so grad = c

  /** Runs backward of {@code lr * sum(c * w)} and one update; returns w's values and gradient. */
  private static float[][] step(float[] v0, float[] anchor, float mom, float decay) {
    Engine engine = Engine.getEngine(DjlRuntime.ENGINE);
    try (NDManager m = engine.newBaseManager()) {
      NDArray w = m.create(W0.clone());
      w.setRequiresGradient(true);
      NDArray v = v0 == null ? null : m.create(v0.clone());
      NDArray a = anchor == null ? null : m.create(anchor.clone());
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(w.mul(m.create(C)).sum().mul(LR));
        JniUtils.setGradMode(false);
        try {
          SgdStep.update(w, v, a, mom, decay);
        } finally {
          JniUtils.setGradMode(true);
        }
      }
      return new float[][] {w.toFloatArray(), w.getGradient().toFloatArray()};
    }
  }

  @Test
  void plainStepWithDecayAndAnchor() {
    float decay = LR * 0.5f; // lr * (weight_decay + mu)
    float[] anchor = {0.01f, 0.02f, 0.03f}; // lr * mu * w_global

    float[][] r = step(null, anchor, 0, decay);

    float[] expected = new float[3];
    for (int i = 0; i < 3; i++) {
      expected[i] = W0[i] * (1 - decay) - LR * C[i] + anchor[i];
    }
    assertArrayEquals(expected, r[0], 1e-6f);
    assertArrayEquals(new float[3], r[1]);
  }

  @Test
  void momentumStepFollowsPyTorchSgd() {
    float[] v0 = {0.2f, -0.1f, 0.05f};
    float mom = 0.9f;
    float decay = LR * 0.01f;
    float[] anchor = {0.01f, 0.02f, 0.03f};

    float[][] r = step(v0, anchor, mom, decay);

    float[] expected = new float[3];
    for (int i = 0; i < 3; i++) {
      // v = mom * v + lr * (grad + wd * w + mu * (w - w_global)); w = w - v
      float v = mom * v0[i] + LR * C[i] + decay * W0[i] - anchor[i];
      expected[i] = W0[i] - v;
    }
    assertArrayEquals(expected, r[0], 1e-6f);
    assertArrayEquals(new float[3], r[1]);
  }
}

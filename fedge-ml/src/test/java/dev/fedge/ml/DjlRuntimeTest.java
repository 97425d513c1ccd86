package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

  @Test
  void cudaGpuCount_agreesWithNvidiaSmi() throws Exception {
    int listed = 0;
    try {
      Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() == 0) {
        listed = (int) out.lines().filter(l -> l.startsWith("GPU ")).count();
      }
    } catch (java.io.IOException noNvidiaSmi) {
      listed = 0;
    }

    assertEquals(listed, DjlRuntime.cudaGpuCount());
  }

  @Test
  void sameSeedGivesSameInitialParametersAcrossRuntimes() {
    try (DjlRuntime a = DjlRuntime.create("cnn", 1, 28, 28, 10, 5, 1);
        DjlRuntime b = DjlRuntime.create("cnn", 1, 28, 28, 10, 5, 1);
        DjlRuntime c = DjlRuntime.create("cnn", 1, 28, 28, 10, 6, 1)) {

      assertEquals(a.initialParameters(), b.initialParameters());
      assertTrue(!a.initialParameters().equals(c.initialParameters()));
      assertEquals(a.layout(), a.initialParameters().layout());
    }
  }

  @Test
  void predictGivesProbabilitiesThatAgreeWithEvaluate() {
    ImageDataset data = SyntheticImages.create(70, 3, 3, 32, 32, 10);
    try (DjlRuntime rt = DjlRuntime.create("resnet18", 3, 32, 32, 10, 1, 1)) {
      Parameters p = rt.initialParameters();

      float[][] probs = rt.predict(p, data, 32);
      EvaluateRes eval = rt.evaluate(p, data, 25);

      assertEquals(70, probs.length);
      double loss = 0;
      int correct = 0;
      for (int i = 0; i < probs.length; i++) {
        assertEquals(10, probs[i].length);
        double sum = 0;
        int best = 0;
        for (int k = 0; k < 10; k++) {
          assertTrue(probs[i][k] >= 0);
          sum += probs[i][k];
          best = probs[i][k] > probs[i][best] ? k : best;
        }
        assertEquals(1, sum, 1e-4);
        loss -= Math.log(probs[i][data.label(i)]);
        correct += best == data.label(i) ? 1 : 0;
      }
      assertEquals(loss / 70, eval.loss(), 1e-3);
      assertEquals(correct / 70.0, eval.accuracy(), 1e-9);
      assertEquals(70, eval.numExamples());
    }
  }

  @Test
  void predictOnFloatsMatchesPredictOnTheDataSet() {
    ImageDataset data = SyntheticImages.create(5, 4, 1, 28, 28, 10);
    float[] inputs = new float[5 * 28 * 28];
    for (int i = 0; i < 5; i++) {
      data.copyNormalized(i, inputs, i * 28 * 28);
    }
    try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1)) {
      Parameters p = rt.initialParameters();

      float[][] fromData = rt.predict(p, data, 2);
      float[][] fromFloats = rt.predict(p, inputs, 5);

      for (int i = 0; i < 5; i++) {
        assertArrayEquals(fromData[i], fromFloats[i], 1e-6f);
      }
      assertThrows(IllegalArgumentException.class, () -> rt.predict(p, inputs, 4));
    }
  }

  @Test
  void closedRuntimeRefusesWork() {
    DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1);
    Parameters p = rt.initialParameters();
    ImageDataset data = SyntheticImages.create(4, 4, 1, 28, 28, 10);
    rt.close();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> rt.evaluate(p, data, 4));

    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void negativeThreadsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DjlRuntime.create("cnn", 1, 28, 28, 10, 1, -1));

    assertTrue(e.getMessage().contains("threads"), e.getMessage());
  }
}

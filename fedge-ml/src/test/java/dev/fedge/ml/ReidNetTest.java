package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReidNetTest {

  @Test
  void cnnBackboneLayout_endsWithEmbedNeckAndABiaslessHead() {
    ReidNet net = new ReidNet("cnn", 1, 16, 8, 7, 64);

    ParameterLayout layout = net.layout();

    assertEquals(
        List.of(
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
            "embed.weight", "embed.bias", "neck.weight", "neck.bias", "head.weight"),
        layout.tensors().stream().map(TensorSpec::name).toList());
    assertArrayEquals(new int[] {512, 64 * 4 * 2}, layout.tensors().get(4).shape());
    assertArrayEquals(new int[] {64, 512}, layout.tensors().get(6).shape());
    assertArrayEquals(new int[] {7, 64}, layout.tensors().get(10).shape());
    assertEquals("reid-cnn", net.name());
    assertEquals(7, net.numClasses());
    // only the classifier depends on the identities: what FedPav keeps local
    ReidNet more = new ReidNet("cnn", 1, 16, 8, 30, 64);
    assertEquals(
        layout.totalSize() - 7 * 64, more.layout().totalSize() - 30 * 64, "body sizes equal");
  }

  @Test
  void resnet18Backbone_dropsItsOwnHead() {
    ReidNet net = new ReidNet("resnet18", 3, 32, 16, 5, 512);

    ParameterLayout layout = net.layout();
    Network plain = Models.create("resnet18", 3, 32, 16, 5);

    long heads = layout.tensors().stream().filter(t -> t.name().startsWith("head.")).count();
    assertEquals(1, heads);
    assertEquals(
        plain.layout().totalSize() - (5 * 512 + 5) + (512 * 512 + 512) + 2 * 512 + 5 * 512,
        layout.totalSize());
  }

  @Test
  void initialisationIsSeeded_neckStartsAsIdentityScale() {
    ReidNet net = new ReidNet("cnn", 1, 8, 8, 4, 16);

    float[] a = net.initialize(3);
    float[] b = net.initialize(3);
    float[] c = net.initialize(4);

    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
    int neck = net.layout().offset(net.layout().indexOf("neck.weight"));
    for (int i = 0; i < 16; i++) {
      assertEquals(1f, a[neck + i]);
      assertEquals(0f, a[neck + 16 + i]);
    }
  }

  @Test
  void forwardGivesIdentityLogits_embedGivesNormalisedEmbeddings() {
    ReidNet net = new ReidNet("cnn", 1, 16, 8, 6, 32);
    float[] values = net.initialize(11);
    ParameterLayout layout = net.layout();
    Engine engine = Engine.getEngine(DjlRuntime.ENGINE);
    try (NDManager m = engine.newBaseManager()) {
      NDArray[] p = new NDArray[layout.count()];
      for (int i = 0; i < p.length; i++) {
        int off = layout.offset(i);
        TensorSpec t = layout.tensors().get(i);
        float[] v = java.util.Arrays.copyOfRange(values, off, off + t.size());
        p[i] = m.create(v, new Shape(java.util.Arrays.stream(t.shape()).asLongStream().toArray()));
      }
      float[] img = new float[5 * 16 * 8];
      SplittableRandom rnd = new SplittableRandom(2);
      for (int i = 0; i < img.length; i++) {
        img[i] = (float) rnd.nextGaussian();
      }
      NDArray x = m.create(img, new Shape(5, 1, 16, 8));

      NDArray logits = net.forward(p, x);
      NDArray emb = net.embed(p, x);

      assertEquals(new Shape(5, 6), logits.getShape());
      assertEquals(new Shape(5, 32), emb.getShape());
      float[] e = emb.toFloatArray();
      for (int r = 0; r < 5; r++) {
        double mean = 0;
        double sq = 0;
        for (int k = 0; k < 32; k++) {
          mean += e[r * 32 + k];
          sq += e[r * 32 + k] * e[r * 32 + k];
        }
        mean /= 32;
        // neck with unit scale and zero shift: each embedding has mean 0 and variance ~1
        assertEquals(0, mean, 1e-4);
        assertEquals(1, sq / 32 - mean * mean, 1e-2);
      }
      // logits are the embedding times the classifier: head.weight changes them, not emb
      float[] w = p[10].toFloatArray();
      float[] z = logits.toFloatArray();
      double z00 = 0;
      for (int k = 0; k < 32; k++) {
        z00 += e[k] * w[k];
      }
      assertEquals(z00, z[0], 1e-4);
    }
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException dim =
        assertThrows(IllegalArgumentException.class, () -> new ReidNet("cnn", 1, 8, 8, 4, 1));
    assertTrue(dim.getMessage().contains("embedding dimension"), dim.getMessage());
    IllegalArgumentException name =
        assertThrows(IllegalArgumentException.class, () -> new ReidNet("vgg", 1, 8, 8, 4, 8));
    assertTrue(name.getMessage().contains("unknown model 'vgg'"), name.getMessage());
  }
}

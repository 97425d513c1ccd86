package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.data.ImageDataset;
import org.junit.jupiter.api.Test;

class ResNet50Test {

  @Test
  void backboneHasTorchvisionsParameterCount_andTheReidModelAddsItsTail() {
    Network net = Models.create("resnet50", 3, 256, 128, 1000);
    ParameterLayout l = net.layout();
    int head = 2048 * 1000 + 1000;

    // torchvision's resnet50: 25,557,032 parameters, 2,049,000 of them in fc (GroupNorm has the
    // same affine parameters as BatchNorm)
    assertEquals(25_557_032, l.totalSize());
    assertEquals(23_508_032, l.totalSize() - head);
    assertEquals(16, l.tensors().stream().filter(t -> t.name().endsWith(".conv3.weight")).count(),
        "3 + 4 + 6 + 3 bottleneck blocks");
    assertEquals(2048, l.tensors().get(l.indexOf("head.weight")).shape()[1]);

    ReidNet reid = new ReidNet("resnet50", 3, 256, 128, 776, 512);
    assertEquals(23_508_032 + (2048 * 512 + 512) + 2 * 512 + 776 * 512, reid.layout().totalSize());
  }

  @Test
  void pointwiseProduct_equalsThe1x1Convolution_atStrides1And2() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 6, 5, 4));
      ai.djl.ndarray.NDArray w = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 6, 1, 1));

      float[] conv1 = Ops.conv(x, w, null, 1, 0).toFloatArray();
      float[] conv2 = Ops.conv(x, w, null, 2, 0).toFloatArray();
      float[] mat1 = ResNet50.pointwise(x, w).toFloatArray();
      float[] mat2 = ResNet50.pointwise(x.get(":, :, ::2, ::2"), w).toFloatArray();

      org.junit.jupiter.api.Assertions.assertArrayEquals(conv1, mat1, 1e-4f);
      org.junit.jupiter.api.Assertions.assertArrayEquals(conv2, mat2, 1e-4f);
    }
  }

  @Test
  void reidModelOnASmallInput_trainsSteps_withAFiniteLoss() {
    ImageDataset data = SyntheticImages.create(4, 3, 3, 128, 64, 3);
    try (DjlRuntime rt = DjlRuntime.create(new ReidNet("resnet50", 3, 128, 64, 3, 64), 3, 2)) {
      Config config = Config.of("local_epochs", 1, "batch_size", 2, "lr", 0.01, "momentum", 0.9,
          "round", 1, "seed", 3L);

      FitRes res = rt.trainer(data, null, 0).fit(new FitIns(rt.initialParameters(), config));

      assertEquals(2.0, res.metric("num_steps", -1));
      assertTrue(Double.isFinite(res.metric("loss", Double.NaN)), res.metrics().toString());
      float[][] e = rt.embed(res.parameters(), data, 4);
      assertEquals(4, e.length);
      assertEquals(64, e[0].length);
    }
  }
}

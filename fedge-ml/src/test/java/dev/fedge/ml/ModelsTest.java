package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {

  @Test
  void cnnOnFashionMnistShapeHasThePapersParameterCount() {
    Network cnn = Models.create("cnn", 1, 28, 28, 10);

    ParameterLayout layout = cnn.layout();

    assertEquals(1_663_370, layout.totalSize());
    assertEquals(
        List.of(
            "conv1.weight",
            "conv1.bias",
            "conv2.weight",
            "conv2.bias",
            "fc1.weight",
            "fc1.bias",
            "head.weight",
            "head.bias"),
        layout.tensors().stream().map(TensorSpec::name).toList());
    assertArrayEquals(new int[] {32, 1, 5, 5}, layout.tensors().get(0).shape());
    assertArrayEquals(new int[] {512, 3136}, layout.tensors().get(4).shape());
    assertArrayEquals(new int[] {10, 512}, layout.tensors().get(6).shape());
  }

  @Test
  void cnnTakesThreeChannelInput() {
    Network cnn = Models.create("cnn", 3, 32, 32, 10);

    // conv1 3*25*32+32, conv2 32*25*64+64, fc1 4096*512+512, head 512*10+10
    assertEquals(2432 + 51_264 + 2_097_664 + 5130, cnn.layout().totalSize());
  }

  @Test
  void resnet18HasElevenMillionParametersAndAHead() {
    Network net = Models.create("resnet18", 3, 32, 32, 10);

    ParameterLayout layout = net.layout();

    assertEquals(11_173_962, layout.totalSize());
    int n = layout.count();
    assertEquals("head.weight", layout.tensors().get(n - 2).name());
    assertEquals("head.bias", layout.tensors().get(n - 1).name());
    assertArrayEquals(new int[] {10, 512}, layout.tensors().get(n - 2).shape());
    assertTrue(layout.indexOf("layer2.0.shortcut.conv.weight") >= 0);
    assertTrue(layout.indexOf("layer4.1.gn2.bias") >= 0);
    assertEquals(-1, layout.indexOf("layer1.0.shortcut.conv.weight"));
  }

  @Test
  void sameSeedGivesSameInitialValuesAndOtherSeedsDiffer() {
    Network net = Models.create("cnn", 1, 28, 28, 10);

    float[] a = net.initialize(7);
    float[] b = net.initialize(7);
    float[] c = net.initialize(8);

    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void initialWeightsFollowPyTorchDefaults() {
    Network net = Models.create("resnet18", 3, 32, 32, 10);
    float[] v = net.initialize(1);
    ParameterLayout layout = net.layout();

    int gn = layout.indexOf("gn1.weight");
    int gnBias = layout.indexOf("gn1.bias");
    int head = layout.indexOf("head.weight");
    float bound = (float) (1 / Math.sqrt(512));

    for (int k = 0; k < 64; k++) {
      assertEquals(1f, v[layout.offset(gn) + k]);
      assertEquals(0f, v[layout.offset(gnBias) + k]);
    }
    for (int k = 0; k < 5120; k++) {
      float w = v[layout.offset(head) + k];
      assertTrue(Math.abs(w) <= bound, "head weight " + w + " outside +-" + bound);
    }
  }

  @Test
  void unknownModelNameIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Models.create("vgg", 1, 28, 28, 10));

    assertTrue(e.getMessage().contains("'vgg'"), e.getMessage());
    assertTrue(e.getMessage().contains("cnn"), e.getMessage());
  }

  @Test
  void tinyInputOrOneClassIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Models.create("cnn", 1, 3, 28, 10));
    assertThrows(IllegalArgumentException.class, () -> Models.create("resnet18", 3, 32, 32, 1));
  }
}

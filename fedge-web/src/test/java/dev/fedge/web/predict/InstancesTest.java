package dev.fedge.web.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.Normalization;
import org.junit.jupiter.api.Test;

class InstancesTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final InputSpec RGB =
      new InputSpec(
          "cnn",
          "cifar10",
          3,
          2,
          2,
          10,
          new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}));
  static final InputSpec GREY =
      new InputSpec(
          "cnn",
          "fashion-mnist",
          1,
          2,
          3,
          10,
          new Normalization(new float[] {0f}, new float[] {1f}));

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void channelsLastAndChannelsFirstGiveTheSameImage() throws Exception {
    // pixel (y, x) of channel c has value 100*c + 10*y + x
    String hwc = "{\"instances\": [[[[0,100,200],[1,101,201]],[[10,110,210],[11,111,211]]]]}";
    String chw = "{\"instances\": [[[[0,1],[10,11]],[[100,101],[110,111]],[[200,201],[210,211]]]]}";

    ImageDataset a = Instances.parse(json(hwc), RGB);
    ImageDataset b = Instances.parse(json(chw), RGB);

    assertEquals(1, a.size());
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 2; x++) {
          int j = c * 4 + y * 2 + x;
          assertEquals(100 * c + 10 * y + x, a.rawPixel(0, j));
          assertEquals(a.rawPixel(0, j), b.rawPixel(0, j));
        }
      }
    }
  }

  @Test
  void theSpecsNormalisationIsApplied() throws Exception {
    ImageDataset d =
        Instances.parse(json("{\"instances\": [[[0, 255, 51], [102, 153.0, 204]]]}"), GREY);
    float[] out = new float[6];

    d.copyNormalized(0, out, 0);

    assertEquals(0f, out[0], 1e-6);
    assertEquals(1f, out[1], 1e-6);
    assertEquals(0.6f, out[4], 1e-6);
  }

  @Test
  void greyImagesTakeAllThreeShapes() throws Exception {
    ImageDataset hw = Instances.parse(json("{\"instances\": [[[1,2,3],[4,5,6]]]}"), GREY);
    ImageDataset hwc =
        Instances.parse(json("{\"instances\": [[[[1],[2],[3]],[[4],[5],[6]]]]}"), GREY);
    ImageDataset chw = Instances.parse(json("{\"instances\": [[[[1,2,3],[4,5,6]]]]}"), GREY);

    for (int j = 0; j < 6; j++) {
      assertEquals(j + 1, hw.rawPixel(0, j));
      assertEquals(j + 1, hwc.rawPixel(0, j));
      assertEquals(j + 1, chw.rawPixel(0, j));
    }
  }

  @Test
  void badInstancesNameThePlaceAndWhatWasExpected() {
    IllegalArgumentException hwForRgb =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": [[[1,2],[3,4]]]}"), RGB));
    IllegalArgumentException fraction =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": [[[1,2,3],[4,0.5,6]]]}"), GREY));
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": [[[1,2,3],[4,5,-1]]]}"), GREY));
    IllegalArgumentException nested =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": [[[1,2,3],[4,[5],6]]]}"), GREY));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": []}"), GREY));
    IllegalArgumentException scalar =
        assertThrows(
            IllegalArgumentException.class,
            () -> Instances.parse(json("{\"instances\": [7]}"), GREY));
    IllegalArgumentException array =
        assertThrows(IllegalArgumentException.class, () -> Instances.parse(json("[[1]]"), GREY));

    assertEquals(
        "instances[0]: expected an image of 2x2x3 or 3x2x2 raw pixel values (0-255) for"
            + " model cnn, got nested arrays of shape 2x2",
        hwForRgb.getMessage());
    assertEquals(
        "instances[0][1][1]: expected a raw pixel value, an integer 0-255 (the server"
            + " normalises), got 0.5",
        fraction.getMessage());
    assertEquals(
        "instances[0][1][2]: expected a raw pixel value, an integer 0-255 (the server"
            + " normalises), got -1",
        negative.getMessage());
    assertEquals(
        "instances[0][1][1]: expected a raw pixel value, an integer 0-255, got array" + " [5]",
        nested.getMessage());
    assertEquals("\"instances\" is empty: send at least one image", empty.getMessage());
    assertEquals(
        "instances[0]: expected an image of 2x3, 2x3x1 or 1x2x3 raw pixel values (0-255)"
            + " for model cnn, got number 7",
        scalar.getMessage());
    assertEquals(
        "request body must be a JSON object {\"instances\": [...]}, got array", array.getMessage());
  }
}

package dev.fedge.web.predict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.data.ImageDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the {@code instances} of a KServe V1 request into images. An instance is one image without
 * the batch dimension, as nested arrays of raw pixel values (integers 0 to 255): {@code HxW} (one
 * channel only), {@code HxWxC} (channels last, as images are usually stored) or {@code CxHxW}
 * (channels first, as PyTorch takes them). For a model on 1x28x28 input that is 28x28, 28x28x1 or
 * 1x28x28; for 3x32x32, 32x32x3 or 3x32x32.
 */
public final class Instances {

  /** Most instances one request may carry. */
  public static final int MAX_INSTANCES = 1024;

  private Instances() {}

  /**
   * Parses a request body's instances into a data set of raw pixels with the spec's normalisation
   * (labels are all 0: they are not used for prediction).
   *
   * @param body the request body, an object with an {@code instances} array
   * @param spec the served model's input
   * @return the images, in request order
   * @throws IllegalArgumentException when the body, an instance's shape or a value is not what the
   *     model takes, saying what was expected
   */
  public static ImageDataset parse(JsonNode body, InputSpec spec) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          "request body must be a JSON object {\"instances\": [...]}, got "
              + (body == null ? "nothing" : kind(body)));
    }
    JsonNode instances = body.get("instances");
    if (instances == null || !instances.isArray()) {
      throw new IllegalArgumentException(
          "request body must have an \"instances\" array, got "
              + (instances == null ? "no \"instances\"" : kind(instances)));
    }
    int n = instances.size();
    if (n == 0) {
      throw new IllegalArgumentException("\"instances\" is empty: send at least one image");
    }
    if (n > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "\"instances\" has " + n + " images, at most " + MAX_INSTANCES + " per request");
    }
    int size = spec.imageSize();
    byte[] pixels = new byte[n * size];
    for (int i = 0; i < n; i++) {
      read(instances.get(i), i, spec, pixels, i * size);
    }
    return new ImageDataset(
        "instances",
        spec.channels(),
        spec.height(),
        spec.width(),
        classNames(spec.numClasses()),
        pixels,
        new int[n],
        spec.normalization());
  }

  private static void read(JsonNode inst, int index, InputSpec spec, byte[] dst, int offset) {
    String where = "instances[" + index + "]";
    int[] shape = shape(inst);
    int c = spec.channels();
    int h = spec.height();
    int w = spec.width();
    boolean hw = c == 1 && shape.length == 2 && shape[0] == h && shape[1] == w;
    boolean hwc = shape.length == 3 && shape[0] == h && shape[1] == w && shape[2] == c;
    boolean chw = shape.length == 3 && shape[0] == c && shape[1] == h && shape[2] == w;
    if (!hw && !hwc && !chw) {
      throw new IllegalArgumentException(
          where
              + ": expected an image of "
              + spec.acceptedShapes()
              + " raw pixel values (0-255) for "
              + "model "
              + spec.model()
              + ", got "
              + describe(inst, shape));
    }
    int plane = h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          JsonNode v;
          String at;
          if (hw) {
            v = inst.path(y).path(x);
            at = where + "[" + y + "][" + x + "]";
          } else if (chw && !hwc) {
            v = inst.path(ch).path(y).path(x);
            at = where + "[" + ch + "][" + y + "][" + x + "]";
          } else {
            v = inst.path(y).path(x).path(ch);
            at = where + "[" + y + "][" + x + "][" + ch + "]";
          }
          dst[offset + ch * plane + y * w + x] = (byte) pixel(v, at);
        }
      }
    }
  }

  private static int pixel(JsonNode v, String at) {
    if (v.isMissingNode()) {
      throw new IllegalArgumentException(at + ": missing: the nested arrays are not rectangular");
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(
          at + ": expected a raw pixel value, an integer 0-255, got " + kind(v) + " " + brief(v));
    }
    double d = v.doubleValue();
    if (!(d >= 0 && d <= 255) || d != Math.rint(d)) {
      throw new IllegalArgumentException(
          at
              + ": expected a raw pixel value, an integer 0-255 (the server normalises), got "
              + v.asText());
    }
    return (int) d;
  }

  /** Shape of nested arrays, following the first element at each level. */
  private static int[] shape(JsonNode node) {
    List<Integer> dims = new ArrayList<>();
    JsonNode n = node;
    while (n != null && n.isArray()) {
      dims.add(n.size());
      n = n.size() > 0 ? n.get(0) : null;
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String describe(JsonNode inst, int[] shape) {
    if (shape.length == 0) {
      return kind(inst) + " " + brief(inst);
    }
    StringBuilder sb = new StringBuilder("nested arrays of shape ");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : "x").append(shape[i]);
    }
    return sb.toString();
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String brief(JsonNode n) {
    String s = n.toString();
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static List<String> classNames(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}

package dev.fedge.ml;

import java.util.List;

/**
 * The registry of models by name: {@code cnn} ({@link Cnn}), {@code resnet18} ({@link ResNet18}),
 * {@code resnet50} ({@link ResNet50}, for GPUs),
 * {@code mobilenetv2} with {@code mobilenetv2-x<width>} for width-scaled versions ({@link
 * MobileNetV2}) and {@code efficientnet-b0} ({@link EfficientNetB0}). {@code cnn-x<width>} and
 * {@code resnet18-x<width>}, width in (0, 1], are HeteroFL's submodels: every tensor the first
 * slice of the full model's ({@link #HETEROFL}).
 */
public final class Models {

  /** Names of the known models. */
  public static final List<String> NAMES = List.of("cnn", "resnet18", "resnet50", "mobilenetv2",
      "efficientnet-b0");

  /**
   * The names a device tries when it matches a server's layout to a model: {@link #NAMES} and the
   * usual MobileNetV2 widths.
   */
  public static final List<String> CANDIDATES = List.of("cnn", "resnet18", "resnet50", "mobilenetv2",
      "mobilenetv2-x0.75", "mobilenetv2-x0.5", "mobilenetv2-x0.35", "mobilenetv2-x0.25",
      "efficientnet-b0", "cnn-x0.5", "cnn-x0.25", "resnet18-x0.5", "resnet18-x0.25");

  /** The models that have HeteroFL submodels at any width in (0, 1]. */
  public static final List<String> HETEROFL = List.of("cnn", "resnet18");

  private Models() {}

  /**
   * Whether a name is a model: one of {@link #NAMES}, or {@code mobilenetv2-x<width>} with a
   * width in (0, 4].
   *
   * @param name the name
   * @return true when {@link #create} knows it
   */
  public static boolean isKnown(String name) {
    if (name == null) {
      return false;
    }
    if (NAMES.contains(name)) {
      return true;
    }
    if (name.startsWith("mobilenetv2-x")) {
      try {
        double w = width(name);
        return w > 0 && w <= 4;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    for (String base : HETEROFL) {
      if (name.startsWith(base + "-x")) {
        try {
          double w = width(name, base);
          return w > 0 && w <= 1;
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
    }
    return false;
  }

  /**
   * The name of a HeteroFL model at a width: the model's name at width 1, else {@code
   * <model>-x<width>} ({@code cnn-x0.25}).
   *
   * @param model {@code cnn} or {@code resnet18}
   * @param width in (0, 1]
   * @return the name {@link #create} knows
   */
  public static String widthName(String model, double width) {
    return width == 1.0 ? model
        : model + "-x" + java.math.BigDecimal.valueOf(width).stripTrailingZeros().toPlainString();
  }

  /**
   * Channels at a width: {@code ceil(width × full)}, rounded up to a multiple of {@code multiple}
   * (the group normalisation's groups), at least {@code multiple}.
   *
   * @param full the full model's channels
   * @param width in (0, 1]
   * @param multiple what the result must be a multiple of
   * @return the channels
   */
  static int scaled(int full, double width, int multiple) {
    int c = (int) Math.ceil(width * full - 1e-9);
    c = (c + multiple - 1) / multiple * multiple;
    return Math.max(multiple, Math.min(full, c));
  }

  static void checkWidth(String model, double width) {
    if (!(width > 0 && width <= 1)) {
      throw new IllegalArgumentException(model + ": width must be in (0, 1], got " + width);
    }
  }

  /**
   * Defines a model for an input shape and number of classes.
   *
   * @param name {@code cnn} or {@code resnet18}
   * @param channels input channels
   * @param height input rows
   * @param width input columns
   * @param numClasses output classes
   * @return the network
   * @throws IllegalArgumentException for an unknown name or an unusable shape
   */
  public static Network create(String name, int channels, int height, int width, int numClasses) {
    if (name == null) {
      throw new IllegalArgumentException("model: name must not be null (known: " + NAMES + ")");
    }
    return switch (name) {
      case "cnn" -> new Cnn(channels, height, width, numClasses);
      case "resnet18" -> new ResNet18(channels, height, width, numClasses);
      case "resnet50" -> new ResNet50(channels, height, width, numClasses);
      case "mobilenetv2" -> new MobileNetV2(channels, height, width, numClasses, 1.0);
      case "efficientnet-b0" -> new EfficientNetB0(channels, height, width, numClasses);
      default -> {
        if (name.startsWith("mobilenetv2-x")) {
          yield new MobileNetV2(channels, height, width, numClasses, width(name));
        }
        if (name.startsWith("cnn-x")) {
          yield new Cnn(channels, height, width, numClasses, width(name, "cnn"));
        }
        if (name.startsWith("resnet18-x")) {
          yield new ResNet18(channels, height, width, numClasses, width(name, "resnet18"));
        }
        throw new IllegalArgumentException(
              "model: unknown model '" + name + "' (known: " + String.join(", ", NAMES)
                  + ", mobilenetv2-x<width> such as mobilenetv2-x0.5, cnn-x<width> and "
                  + "resnet18-x<width> with a width in (0, 1])");
      }
    };
  }

  private static double width(String name) {
    return width(name, "mobilenetv2");
  }

  private static double width(String name, String base) {
    String w = name.substring((base + "-x").length());
    try {
      return Double.parseDouble(w);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model: '" + name + "' needs a width multiplier after"
          + " -x, e.g. " + base + "-x0.5");
    }
  }

  static void checkShape(String model, int channels, int height, int width, int numClasses) {
    if (channels < 1 || height < 4 || width < 4) {
      throw new IllegalArgumentException(
          model
              + ": input must have >= 1 channel and be at least 4x4, got "
              + channels
              + "x"
              + height
              + "x"
              + width);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException(model + ": numClasses must be >= 2, got " + numClasses);
    }
  }
}

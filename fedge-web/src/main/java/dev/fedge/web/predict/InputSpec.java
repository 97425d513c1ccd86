package dev.fedge.web.predict;

import dev.fedge.data.Datasets;
import dev.fedge.data.Normalization;
import dev.fedge.server.FederationServer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a served model takes: the architecture name, the input image shape, the number of classes
 * and the normalisation of its training data.
 *
 * @param model architecture name for {@code DjlRuntime.create}, e.g. {@code cnn}
 * @param dataset the data set it was trained on, e.g. {@code fashion-mnist}
 * @param channels input channels
 * @param height input rows
 * @param width input columns
 * @param numClasses number of output classes
 * @param normalization per-channel normalisation applied to raw pixels
 * @param embeddingDim for a re-identification model (its manifest's {@code provenance.task.name}
 *     is {@code reid}), the size of the embedding it answers with, and {@code model} is its
 *     backbone and {@code numClasses} its training identities; 0 for a classifier
 */
public record InputSpec(
    String model,
    String dataset,
    int channels,
    int height,
    int width,
    int numClasses,
    Normalization normalization,
    int embeddingDim) {

  /** A classifier's spec. */
  public InputSpec(String model, String dataset, int channels, int height, int width,
      int numClasses, Normalization normalization) {
    this(model, dataset, channels, height, width, numClasses, normalization, 0);
  }

  /** Whether the model answers with embeddings (re-identification) rather than class scores. */
  public boolean embeds() {
    return embeddingDim > 0;
  }

  /** Validates. */
  public InputSpec {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "input spec: model must not be blank, got '" + model + "'");
    }
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "input spec: shape must be positive, got " + channels + "x" + height + "x" + width);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("input spec: numClasses must be >= 2, got " + numClasses);
    }
    if (normalization == null || normalization.channels() != channels) {
      throw new IllegalArgumentException(
          "input spec: normalization must have "
              + channels
              + " channels, got "
              + (normalization == null ? "none" : normalization.channels()));
    }
  }

  /** Values per image. */
  public int imageSize() {
    return channels * height * width;
  }

  /** The shapes an instance may have, for error messages, e.g. {@code 28x28, 28x28x1, 1x28x28}. */
  public String acceptedShapes() {
    String hwc = height + "x" + width + "x" + channels;
    String chw = channels + "x" + height + "x" + width;
    return channels == 1 ? height + "x" + width + ", " + hwc + " or " + chw : hwc + " or " + chw;
  }

  /**
   * Reads the input spec from a model manifest. The architecture and data set come from the
   * provenance ({@code model} and {@code dataset}, at its top level, under {@code config} as {@code
   * fedge simulate} writes them, or under {@code settings} as the federation server writes them,
   * where absent ones take the server's defaults); the shape from {@code input} ({@code channels},
   * {@code height}, {@code width}) when present, else from the data set ({@code fashion-mnist} and
   * {@code mnist} are 1x28x28, {@code cifar10} and {@code cifar100} 3x32x32); the normalisation
   * from {@code normalization} ({@code mean}, {@code std}) when present, else the data set's own;
   * the number of classes from the model's {@code head.bias} tensor.
   *
   * @param manifest a manifest as {@code ModelStore.manifest} returns it
   * @return the spec
   * @throws IllegalArgumentException when the manifest does not say enough, naming what is missing
   */
  public static InputSpec fromManifest(Map<String, Object> manifest) {
    Map<String, Object> prov = map(manifest.get("provenance"));
    Map<String, Object> config = new java.util.LinkedHashMap<>();
    if (prov.get("settings") instanceof Map<?, ?>) {
      // a FederationServer's manifest: its run settings, over the server's defaults
      config.putAll(FederationServer.STANDARD_SETTINGS);
      config.putAll(map(prov.get("settings")));
    }
    config.putAll(map(prov.get("config")));
    String where =
        "model "
            + manifest.getOrDefault("group", "?")
            + "/"
            + manifest.getOrDefault("project", "?")
            + "/"
            + manifest.getOrDefault("round", "?");
    String model = text(prov, config, "model");
    if (model == null) {
      throw new IllegalArgumentException(
          where
              + ": its manifest names no architecture (provenance.model, provenance.config.model"
              + " or provenance.settings.model)");
    }
    String dataset = text(prov, config, "dataset");
    Map<String, Object> input =
        map(prov.containsKey("input") ? prov.get("input") : config.get("input"));
    int channels;
    int height;
    int width;
    if (!input.isEmpty()) {
      channels = integer(where, input, "channels");
      height = integer(where, input, "height");
      width = integer(where, input, "width");
    } else if (dataset != null && shapeOf(dataset) != null) {
      int[] s = shapeOf(dataset);
      channels = s[0];
      height = s[1];
      width = s[2];
    } else {
      throw new IllegalArgumentException(
          where
              + ": cannot tell its input shape: data set '"
              + dataset
              + "' is not a known one and the manifest has no provenance.input");
    }
    Map<String, Object> norm =
        map(
            prov.containsKey("normalization")
                ? prov.get("normalization")
                : config.get("normalization"));
    Normalization normalization;
    if (!norm.isEmpty()) {
      normalization = new Normalization(floats(where, norm, "mean"), floats(where, norm, "std"));
    } else if (dataset != null && shapeOf(dataset) != null) {
      normalization = Datasets.normalization(dataset);
    } else {
      throw new IllegalArgumentException(
          where
              + ": cannot tell its normalisation: data set '"
              + dataset
              + "' is not a known one and the manifest has no provenance.normalization");
    }
    Map<String, Object> task = map(prov.get("task"));
    if ("reid".equals(task.get("name"))) {
      int[] head = reidHead(where, manifest);
      return new InputSpec(model, dataset, channels, height, width, head[0], normalization,
          head[1]);
    }
    return new InputSpec(
        model, dataset, channels, height, width, numClasses(where, manifest), normalization);
  }

  private static int[] shapeOf(String dataset) {
    return switch (dataset.toLowerCase(Locale.ROOT)) {
      case "fashion-mnist", "mnist" -> new int[] {1, 28, 28};
      case "cifar10", "cifar100" -> new int[] {3, 32, 32};
      default -> null;
    };
  }

  /** A re-identification model's identities and embedding size, from its head.weight tensor. */
  private static int[] reidHead(String where, Map<String, Object> manifest) {
    if (manifest.get("tensors") instanceof List<?> list) {
      for (Object t : list) {
        if ("head.weight".equals(map(t).get("name")) && map(t).get("shape") instanceof List<?> s
            && s.size() == 2 && s.get(0) instanceof Number ids && s.get(1) instanceof Number dim) {
          return new int[] {ids.intValue(), dim.intValue()};
        }
      }
    }
    throw new IllegalArgumentException(where + ": a re-identification model, but the manifest "
        + "lists no head.weight tensor of shape [identities, embedding]");
  }

  private static int numClasses(String where, Map<String, Object> manifest) {
    Object tensors = manifest.get("tensors");
    if (tensors instanceof List<?> list && !list.isEmpty()) {
      Object head = null;
      for (Object t : list) {
        if ("head.bias".equals(map(t).get("name"))) {
          head = t;
        }
      }
      if (head == null) {
        head = list.get(list.size() - 1);
      }
      Object shape = map(head).get("shape");
      if (shape instanceof List<?> s && s.size() == 1 && s.get(0) instanceof Number n) {
        return n.intValue();
      }
    }
    throw new IllegalArgumentException(
        where + ": cannot tell the number of classes: the manifest lists no head.bias tensor");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String text(Map<String, Object> a, Map<String, Object> b, String key) {
    Object v = a.containsKey(key) ? a.get(key) : b.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString();
  }

  private static int integer(String where, Map<String, Object> m, String key) {
    if (m.get(key) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    throw new IllegalArgumentException(
        where + ": provenance.input." + key + " must be an integer, got " + m.get(key));
  }

  private static float[] floats(String where, Map<String, Object> m, String key) {
    if (m.get(key) instanceof List<?> l) {
      float[] f = new float[l.size()];
      for (int i = 0; i < f.length; i++) {
        if (!(l.get(i) instanceof Number n)) {
          throw new IllegalArgumentException(
              where
                  + ": provenance.normalization."
                  + key
                  + "["
                  + i
                  + "] is not a number: "
                  + l.get(i));
        }
        f[i] = n.floatValue();
      }
      return f;
    }
    throw new IllegalArgumentException(
        where
            + ": provenance.normalization."
            + key
            + " must be a list of numbers, got "
            + m.get(key));
  }
}

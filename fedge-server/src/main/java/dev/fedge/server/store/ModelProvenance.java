package dev.fedge.server.store;

import dev.fedge.data.ImageDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Model provenance entries that the federation server and the simulation both write. */
public final class ModelProvenance {

  private ModelProvenance() {}

  /**
   * What a model needs to be served: its input shape ({@code input}: channels, height, width) and
   * the normalisation its training applied ({@code normalization}: mean and std per channel), so
   * that models of any data set, image folders included, can be served from their manifest alone.
   *
   * @param data the data set the model is trained or tested on
   * @return {@code input} and {@code normalization}
   */
  public static Map<String, Object> input(ImageDataset data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "input",
        Map.of("channels", data.channels(), "height", data.height(), "width", data.width()));
    m.put(
        "normalization",
        Map.of(
            "mean", decimals(data.normalization().mean()),
            "std", decimals(data.normalization().std())));
    return m;
  }

  /** Floats as the shortest decimals that read back to them (0.286, not 0.28600001335). */
  private static List<Double> decimals(float[] v) {
    List<Double> out = new ArrayList<>();
    for (float f : v) {
      out.add(Double.parseDouble(Float.toString(f)));
    }
    return out;
  }
}

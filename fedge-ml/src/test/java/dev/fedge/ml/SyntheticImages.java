package dev.fedge.ml;

import dev.fedge.data.ImageDataset;
import dev.fedge.data.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small learnable image sets for tests: class k has a bright bar at a class-specific place. */
final class SyntheticImages {

  private SyntheticImages() {}

  static ImageDataset create(int n, long seed, int channels, int height, int width, int classes) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int is = channels * height * width;
    byte[] px = new byte[n * is];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int y = i % classes;
      labels[i] = y;
      for (int j = 0; j < is; j++) {
        px[i * is + j] = (byte) rnd.nextInt(80);
      }
      int row = (y * (height - 2)) / classes;
      for (int c = 0; c < channels; c++) {
        for (int r = row; r < row + 2; r++) {
          for (int col = 0; col < width; col++) {
            px[i * is + c * height * width + r * width + col] = (byte) (180 + rnd.nextInt(70));
          }
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      names.add("class" + k);
    }
    return new ImageDataset(
        "synthetic", channels, height, width, names, px, labels, Normalization.unit(channels));
  }
}

package dev.fedge.data;

/**
 * Per-channel normalisation applied to raw pixels scaled to [0, 1]: {@code (x/255 - mean) / std}.
 *
 * @param mean per-channel mean
 * @param std per-channel standard deviation, each > 0
 */
public record Normalization(float[] mean, float[] std) {

  /** Validates and copies. */
  public Normalization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "normalization: mean and std need the same non-zero length, got "
              + mean.length + " and " + std.length);
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("normalization: std must be > 0, got " + s);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** Copy of the means. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** Copy of the standard deviations. */
  @Override
  public float[] std() {
    return std.clone();
  }

  /** Scaling to [0, 1] only, for any number of channels. */
  public static Normalization unit(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    java.util.Arrays.fill(s, 1f);
    return new Normalization(m, s);
  }

  /** Number of channels. */
  public int channels() {
    return mean.length;
  }

  /** Normalises one raw pixel value (0..255) of the given channel. */
  public float apply(int channel, int raw) {
    return (raw / 255f - mean[channel]) / std[channel];
  }
}

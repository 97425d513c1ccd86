package dev.fedge.ml;

import java.util.SplittableRandom;

/** How a tensor's initial values are drawn. */
enum Init {
  /**
   * PyTorch's default for convolution and dense layers (weights and biases): uniform in {@code
   * ±1/sqrt(fanIn)} (kaiming-uniform with a = sqrt(5)).
   */
  UNIFORM_FAN_IN,
  /** He et al. normal with fan-out, for ReLU networks: {@code N(0, 2/fanOut)}. */
  KAIMING_NORMAL_FAN_OUT,
  /** All ones (normalisation scales). */
  ONES,
  /** All zeros (normalisation shifts). */
  ZEROS;

  /**
   * Fills {@code len} values of {@code dst} from {@code off}.
   *
   * @param fanIn inputs per output unit
   * @param fanOut outputs per input unit
   */
  void fill(float[] dst, int off, int len, int fanIn, int fanOut, SplittableRandom rnd) {
    switch (this) {
      case UNIFORM_FAN_IN -> {
        double bound = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < len; i++) {
          dst[off + i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
      }
      case KAIMING_NORMAL_FAN_OUT -> {
        double std = Math.sqrt(2.0 / fanOut);
        for (int i = 0; i < len; i++) {
          dst[off + i] = (float) (rnd.nextGaussian() * std);
        }
      }
      case ONES -> java.util.Arrays.fill(dst, off, off + len, 1f);
      case ZEROS -> java.util.Arrays.fill(dst, off, off + len, 0f);
      default -> throw new AssertionError(this);
    }
  }
}

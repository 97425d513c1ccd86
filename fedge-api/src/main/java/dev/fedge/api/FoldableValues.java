package dev.fedge.api;

/**
 * One update's values, readable without first copying them into a {@code float[]}: an upload's
 * float32 bytes as they arrived, or an array. A weighted-mean aggregation folds them straight into
 * its running sum ({@link FitAggregation#acceptEncoded}); others {@link #decode} them.
 *
 * <p>The values are finite: whoever makes a {@code FoldableValues} scans them once first.
 */
public interface FoldableValues {

  /** Number of values. */
  int size();

  /**
   * Adds the weighted values of {@code [from, to)} to a sum: {@code acc[i] += weight * v[i]},
   * with {@code v[i]} the float value, so that the sum is bit-identical to folding the decoded
   * array. Ranges may be folded from several threads at once (they do not overlap).
   *
   * @param acc the running sum, at least {@link #size} long
   * @param weight the update's weight
   * @param from first index
   * @param to one past the last index
   */
  void foldRange(double[] acc, double weight, int from, int to);

  /**
   * The values as a new array the caller owns.
   *
   * @return {@link #size} values
   */
  float[] decode();

  /**
   * Says the values are no longer needed (the bytes they are read from may be reused). Called
   * once, after the fold or when the result is dropped; does nothing by default.
   */
  default void release() {}

  /**
   * Values held in an array (already decoded and checked finite).
   *
   * @param values the values; not copied, not to be changed afterwards
   * @return them as foldable values
   */
  static FoldableValues of(float[] values) {
    if (values == null) {
      throw new IllegalArgumentException("values: must not be null");
    }
    return new FoldableValues() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public void foldRange(double[] acc, double weight, int from, int to) {
        for (int i = from; i < to; i++) {
          acc[i] += weight * values[i];
        }
      }

      @Override
      public float[] decode() {
        return values.clone();
      }
    };
  }
}

package dev.fedge.api;

import java.util.Arrays;

/**
 * A model's parameters: a layout and one flat {@code float[]} holding every tensor back to back.
 *
 * <p>Models are large (ResNet-18 has 11.7M values, 47 MB), so the record takes ownership of the
 * array instead of copying it: whoever builds a {@code Parameters} must not change the array
 * afterwards, and whoever reads {@link #values()} must not write to it. Use {@link #copy()} for a
 * private, writable copy.
 *
 * @param layout names and shapes of the tensors
 * @param values {@code layout.totalSize()} values
 * @param checkedFinite whether whoever made it has scanned the values and found them all finite
 *     ({@link #checkedFinite(ParameterLayout, float[])}); a strategy's checks then skip their own
 *     scan. Not part of {@link #equals}.
 */
public record Parameters(ParameterLayout layout, float[] values, boolean checkedFinite) {

  /** Validates that the number of values matches the layout. */
  public Parameters {
    if (layout == null) {
      throw new IllegalArgumentException("parameters: layout must not be null");
    }
    if (values == null) {
      throw new IllegalArgumentException("parameters: values must not be null");
    }
    int expected = layout.totalSize();
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "parameters: layout has " + expected + " values but the array has " + values.length);
    }
  }

  /**
   * Values not yet checked for NaN or infinity: {@link #checkedFinite} is false.
   *
   * @param layout the tensors' names and shapes
   * @param values the flat values, as many as the layout has
   */
  public Parameters(ParameterLayout layout, float[] values) {
    this(layout, values, false);
  }

  /**
   * Values that the caller has just scanned and found all finite (no NaN, no infinity), so that
   * whoever folds them need not scan them again: the server's upload decode makes its result with
   * this after its own scan. The flag holds only while nobody changes the array.
   *
   * @param layout the tensors' names and shapes
   * @param values the flat values, all finite
   * @return parameters with {@link #checkedFinite} true
   */
  public static Parameters checkedFinite(ParameterLayout layout, float[] values) {
    return new Parameters(layout, values, true);
  }

  /** A zero-filled vector with this layout. */
  public static Parameters zeros(ParameterLayout layout) {
    return new Parameters(layout, new float[layout.totalSize()]);
  }

  /** Number of scalar values. */
  public int size() {
    return values.length;
  }

  /** A deep copy whose array the caller may modify. */
  public Parameters copy() {
    return new Parameters(layout, values.clone());
  }

  /** A copy of the values of one tensor. */
  public float[] tensor(String name) {
    int i = layout.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no tensor named '" + name + "' in layout");
    }
    int off = layout.offset(i);
    return Arrays.copyOfRange(values, off, off + layout.tensors().get(i).size());
  }

  /**
   * Index of the first value that is NaN or infinite, or -1 when every value is finite.
   *
   * @return the index of the first non-finite value, or -1
   */
  public int firstNonFinite() {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parameters p && p.layout.equals(layout) && Arrays.equals(p.values, values);
  }

  @Override
  public int hashCode() {
    return layout.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Parameters[" + layout.count() + " tensors, " + values.length + " values]";
  }
}

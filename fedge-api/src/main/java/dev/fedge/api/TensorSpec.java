package dev.fedge.api;

import java.util.Arrays;

/**
 * Name and shape of one tensor of a model.
 *
 * @param name unique name within its {@link ParameterLayout}, e.g. {@code "conv1.weight"}
 * @param shape dimensions, each at least 1 (an empty shape is a scalar)
 */
public record TensorSpec(String name, int[] shape) {

  /** Validates and copies the shape. */
  public TensorSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tensor name must not be blank, got '" + name + "'");
    }
    if (shape == null) {
      throw new IllegalArgumentException("tensor '" + name + "': shape must not be null");
    }
    shape = shape.clone();
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "tensor '" + name + "': every dimension must be >= 1, got " + Arrays.toString(shape));
      }
    }
  }

  /** Returns a copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Number of scalar values in this tensor (product of the dimensions). */
  public int size() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException("tensor '" + name + "' is too large: " + n + " values");
    }
    return (int) n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}

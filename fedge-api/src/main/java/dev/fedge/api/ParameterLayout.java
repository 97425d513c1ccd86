package dev.fedge.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered tensors that make up a model's flat parameter vector.
 *
 * <p>Tensor {@code i} occupies the values {@code [offset(i), offset(i) + tensors().get(i).size())}
 * of the flat vector, in row-major order.
 *
 * @param tensors the tensors in order; names are unique
 */
public record ParameterLayout(List<TensorSpec> tensors) {

  /** Validates that names are unique and copies the list. */
  public ParameterLayout {
    tensors = List.copyOf(tensors);
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (TensorSpec t : tensors) {
      if (!seen.add(t.name())) {
        throw new IllegalArgumentException("duplicate tensor name in layout: '" + t.name() + "'");
      }
      total += t.size();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("layout too large: " + total + " values");
    }
  }

  /** Creates a layout from tensor specs. */
  public static ParameterLayout of(TensorSpec... tensors) {
    return new ParameterLayout(List.of(tensors));
  }

  /** Total number of scalar values. */
  public int totalSize() {
    int n = 0;
    for (TensorSpec t : tensors) {
      n += t.size();
    }
    return n;
  }

  /** Offset of tensor {@code index} in the flat vector. */
  public int offset(int index) {
    int off = 0;
    for (int i = 0; i < index; i++) {
      off += tensors.get(i).size();
    }
    return off;
  }

  /** Index of the tensor with this name, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Number of tensors. */
  public int count() {
    return tensors.size();
  }
}

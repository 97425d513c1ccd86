package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One native array per tensor of a layout, all backed by one direct buffer that Java reads and
 * writes in place: loading a flat {@code float[]} is a memory copy per tensor, with no native
 * allocation, so a process can load models round after round with flat memory.
 */
final class TensorSet implements AutoCloseable {

  private static final float[] ZEROS = new float[1 << 16];

  private final ParameterLayout layout;
  private final NDArray[] arrays;
  private final FloatBuffer[] views;
  private final int[] flatOffsets;
  private final int[] sizes;

  /**
   * Allocates the arrays, zero-filled.
   *
   * @param manager manager that owns the arrays
   * @param layout tensors
   * @param requiresGradient whether the arrays are trainable leaves
   */
  TensorSet(NDManager manager, ParameterLayout layout, boolean requiresGradient) {
    this.layout = layout;
    int n = layout.count();
    arrays = new NDArray[n];
    views = new FloatBuffer[n];
    flatOffsets = new int[n];
    sizes = new int[n];
    int floatsPerAlign = DirectArray.ALIGN / Float.BYTES;
    long padded = 0;
    for (TensorSpec t : layout.tensors()) {
      padded += roundUp(t.size(), floatsPerAlign);
    }
    ByteBuffer raw =
        ByteBuffer.allocateDirect(Math.toIntExact(padded * Float.BYTES + DirectArray.ALIGN));
    ByteBuffer memory = raw.alignedSlice(DirectArray.ALIGN).order(ByteOrder.nativeOrder());
    int byteOff = 0;
    int flatOff = 0;
    for (int i = 0; i < n; i++) {
      TensorSpec t = layout.tensors().get(i);
      int size = t.size();
      ByteBuffer slice = memory.slice(byteOff, size * Float.BYTES).order(ByteOrder.nativeOrder());
      long[] shape = new long[t.shape().length];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = t.shape()[d];
      }
      DirectArray a = DirectArray.over(manager, new Shape(shape), DataType.FLOAT32, slice);
      a.array().setName(t.name());
      if (requiresGradient) {
        a.array().setRequiresGradient(true);
      }
      arrays[i] = a.array();
      views[i] = slice.asFloatBuffer();
      flatOffsets[i] = flatOff;
      sizes[i] = size;
      byteOff += roundUp(size, floatsPerAlign) * Float.BYTES;
      flatOff += size;
    }
  }

  private static int roundUp(int n, int m) {
    return (n + m - 1) / m * m;
  }

  /** The arrays, in layout order (the array itself; do not modify it). */
  NDArray[] arrays() {
    return arrays;
  }

  /** The layout. */
  ParameterLayout layout() {
    return layout;
  }

  /** Copies a flat vector in layout order into the arrays. */
  void load(float[] flat) {
    for (int i = 0; i < arrays.length; i++) {
      views[i].put(0, flat, flatOffsets[i], sizes[i]);
    }
  }

  /** Copies a flat vector in layout order, multiplied by {@code scale}, into the arrays. */
  void loadScaled(float[] flat, float scale) {
    float[] chunk = new float[Math.min(ZEROS.length, flat.length)];
    for (int i = 0; i < arrays.length; i++) {
      for (int off = 0; off < sizes[i]; off += chunk.length) {
        int n = Math.min(chunk.length, sizes[i] - off);
        for (int k = 0; k < n; k++) {
          chunk[k] = flat[flatOffsets[i] + off + k] * scale;
        }
        views[i].put(off, chunk, 0, n);
      }
    }
  }

  /** Copies the arrays into a flat vector in layout order. */
  void store(float[] flat) {
    for (int i = 0; i < arrays.length; i++) {
      views[i].get(0, flat, flatOffsets[i], sizes[i]);
    }
  }

  /** Copies the arrays into a new flat vector. */
  float[] toFlat() {
    float[] flat = new float[layout.totalSize()];
    store(flat);
    return flat;
  }

  /** Sets every value to zero. */
  void zero() {
    for (int i = 0; i < arrays.length; i++) {
      for (int off = 0; off < sizes[i]; off += ZEROS.length) {
        views[i].put(off, ZEROS, 0, Math.min(ZEROS.length, sizes[i] - off));
      }
    }
  }

  /** Attaches the arrays to a manager until it closes, so results of operations go there. */
  void tempAttach(NDManager manager) {
    for (NDArray a : arrays) {
      a.tempAttach(manager);
    }
  }

  /** Frees the native arrays. */
  @Override
  public void close() {
    for (NDArray a : arrays) {
      a.close();
    }
  }
}

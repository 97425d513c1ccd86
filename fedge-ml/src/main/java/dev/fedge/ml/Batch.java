package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fedge.data.ImageDataset;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * Reused input arrays for mini-batches of up to {@code capacity} images: normalised pixels and
 * labels are written into direct buffers that back native arrays, so a step allocates nothing for
 * its inputs.
 */
final class Batch implements AutoCloseable {

  private final NDManager manager;
  private final int capacity;
  private final int imageSize;
  private final int classes;
  private final DirectArray input;
  private final DirectArray labels;
  private final FloatBuffer inputView;
  private final LongBuffer labelView;
  private final float[] staging;
  private final int[] labelStaging;
  private DirectArray notTrue;
  private int count;

  Batch(NDManager manager, int capacity, int channels, int height, int width, int classes) {
    this.manager = manager;
    this.capacity = capacity;
    this.imageSize = channels * height * width;
    this.classes = classes;
    input =
        DirectArray.allocate(
            manager, new Shape(capacity, channels, height, width), DataType.FLOAT32);
    labels = DirectArray.allocate(manager, new Shape(capacity, 1), DataType.INT64);
    inputView = input.memory().asFloatBuffer();
    labelView = labels.memory().asLongBuffer();
    staging = new float[capacity * imageSize];
    labelStaging = new int[capacity];
  }

  /** Most images per batch. */
  int capacity() {
    return capacity;
  }

  /** Images in the batch now. */
  int count() {
    return count;
  }

  /** Labels of the batch now (the first {@link #count()} entries are valid). */
  int[] labels() {
    return labelStaging;
  }

  /** Fills the batch with images {@code order[from .. from+n)} of a data set. */
  void fill(ImageDataset data, int[] order, int from, int n) {
    for (int k = 0; k < n; k++) {
      int i = order == null ? from + k : order[from + k];
      data.copyNormalized(i, staging, k * imageSize);
      labelStaging[k] = data.label(i);
      labelView.put(k, labelStaging[k]);
    }
    inputView.put(0, staging, 0, n * imageSize);
    count = n;
  }

  /** Fills the batch with already normalised images (labels are left as they are). */
  void fill(float[] images, int fromImage, int n) {
    inputView.put(0, images, fromImage * imageSize, n * imageSize);
    count = n;
  }

  /** Attaches the arrays to a step's manager until it closes. */
  void tempAttach(NDManager step) {
    input.array().tempAttach(step);
    labels.array().tempAttach(step);
    if (notTrue != null) {
      notTrue.array().tempAttach(step);
    }
  }

  /** The images, {@code (count, C, H, W)}. */
  NDArray input() {
    return rows(input.array());
  }

  /** The labels, {@code (count, 1)} int64. */
  NDArray labelArray() {
    return rows(labels.array());
  }

  /**
   * The not-true class indices of the batch, {@code (count, classes-1)} int64. Call before {@link
   * #tempAttach} in a step, or the array is created outside the step.
   */
  NDArray notTrueIndex() {
    NotTrueDistillation.notTrueIndex(
        labelStaging, count, classes, notTrueArray().memory().asLongBuffer());
    return rows(notTrue.array());
  }

  /** Creates the not-true index array on first use. */
  DirectArray notTrueArray() {
    if (notTrue == null) {
      notTrue = DirectArray.allocate(manager, new Shape(capacity, classes - 1), DataType.INT64);
    }
    return notTrue;
  }

  private NDArray rows(NDArray a) {
    return count == capacity ? a : a.get(new NDIndex().addSliceDim(0, count));
  }

  @Override
  public void close() {
    input.array().close();
    labels.array().close();
    if (notTrue != null) {
      notTrue.array().close();
    }
  }
}

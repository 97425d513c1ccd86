package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A native array whose storage is a direct buffer owned by Java: writing to the buffer changes the
 * array without a native call or an allocation, and in-place native operations on the array show in
 * the buffer. The buffer must outlive the array; this record keeps both.
 *
 * @param array the DJL array
 * @param memory its storage, native byte order
 */
record DirectArray(NDArray array, ByteBuffer memory) {

  /** Alignment of each array's first value, in bytes (a cache line; what vector kernels like). */
  static final int ALIGN = 64;

  /**
   * Creates an array over a fresh zero-filled direct buffer.
   *
   * @param manager manager that owns the array
   * @param shape shape
   * @param type {@link DataType#FLOAT32} or {@link DataType#INT64}
   */
  static DirectArray allocate(NDManager manager, Shape shape, DataType type) {
    int bytes = Math.toIntExact(shape.size() * type.getNumOfBytes());
    // alignedSlice rounds the limit down to the alignment too: allocate whole aligned blocks.
    ByteBuffer raw = ByteBuffer.allocateDirect((bytes + ALIGN - 1) / ALIGN * ALIGN + ALIGN);
    ByteBuffer memory = raw.alignedSlice(ALIGN).limit(bytes).slice().order(ByteOrder.nativeOrder());
    return over(manager, shape, type, memory);
  }

  /**
   * Creates an array over the given direct buffer, which must hold exactly the array's bytes.
   *
   * @param manager manager that owns the array
   * @param shape shape
   * @param type element type
   * @param memory direct buffer of {@code shape.size() * type.getNumOfBytes()} bytes
   */
  static DirectArray over(NDManager manager, Shape shape, DataType type, ByteBuffer memory) {
    ByteBuffer nativeOrder = memory.order(ByteOrder.nativeOrder());
    // For a direct buffer, PyTorch's NDManager wraps the memory (torch::from_blob): no copy.
    NDArray array = manager.create(nativeOrder, shape, type);
    return new DirectArray(array, nativeOrder);
  }
}

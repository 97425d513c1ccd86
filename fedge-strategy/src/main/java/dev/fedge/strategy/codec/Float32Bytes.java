package dev.fedge.strategy.codec;

import dev.fedge.api.FoldableValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A float32 upload's bytes read in place as {@link FoldableValues}: the fold reads each
 * little-endian float straight from the bytes, so an upload costs no decoded {@code float[]} (a
 * 46.8 MB "humongous" allocation per upload for an 11.7M model, which started a G1 concurrent
 * cycle almost every time). Made by {@link #checked}, which scans the bytes for NaN and infinity
 * once.
 */
public final class Float32Bytes implements FoldableValues {

  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int EXPONENT = 0x7f800000;

  private final byte[] data;
  private final int size;
  private final Runnable onRelease;
  private boolean released;

  private Float32Bytes(byte[] data, Runnable onRelease) {
    this.data = data;
    this.size = data.length / 4;
    this.onRelease = onRelease;
  }

  /**
   * The values of float32 bytes that are all finite.
   *
   * @param data little-endian float32 values, a multiple of 4 bytes; not copied: the caller keeps
   *     them unchanged until {@link #release}
   * @param onRelease run once by {@link #release} (e.g. gives the array back for reuse)
   * @return the values
   * @throws IllegalArgumentException when the length is not a multiple of 4, or a value is NaN or
   *     infinite (the message gives the index and the value)
   */
  public static Float32Bytes checked(byte[] data, Runnable onRelease) {
    if (data.length % 4 != 0) {
      throw new IllegalArgumentException(
          "float32 data of " + data.length + " bytes is not a multiple of 4");
    }
    int bad = firstNonFinite(data);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "value " + valueAt(data, bad) + " at index " + bad + " is not finite");
    }
    return new Float32Bytes(data, onRelease == null ? () -> { } : onRelease);
  }

  /**
   * The index of the first NaN or infinite float32 value in the bytes, or -1 when all are finite.
   *
   * @param data little-endian float32 values
   * @return the index of a value (not of a byte), or -1
   */
  public static int firstNonFinite(byte[] data) {
    int n = data.length / 4;
    for (int i = 0; i < n; i++) {
      if (((int) INT.get(data, i << 2) & EXPONENT) == EXPONENT) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One value of little-endian float32 bytes.
   *
   * @param data the bytes
   * @param index the value's index
   * @return the value
   */
  public static float valueAt(byte[] data, int index) {
    return (float) FLOAT.get(data, index << 2);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void foldRange(double[] acc, double weight, int from, int to) {
    byte[] d = data;
    for (int i = from; i < to; i++) {
      acc[i] += weight * (float) FLOAT.get(d, i << 2);
    }
  }

  @Override
  public float[] decode() {
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) FLOAT.get(data, i << 2);
    }
    return out;
  }

  /** Runs the release action, once. */
  @Override
  public void release() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    onRelease.run();
  }
}

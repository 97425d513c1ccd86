package dev.fedge.strategy.codec;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * IEEE 754 half precision: 2 bytes per value, little-endian, rounded to nearest even. Relative
 * error is at most 2^-11 for normal values (|x| in [6.1e-5, 65504]); smaller values become
 * subnormal halves (absolute error at most 2^-25), larger ones become infinite.
 *
 * <p>{@code Float.floatToFloat16} arrived in Java 20, so the conversion is written out here.
 */
public final class Float16Codec implements WireCodec {

  /** The codec's name in run configs. */
  public static final String NAME = "float16";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long encodedSize(ParameterLayout layout) {
    return 2L * layout.totalSize();
  }

  @Override
  public byte[] encode(Parameters parameters) {
    float[] v = parameters.values();
    byte[] out = new byte[2 * v.length];
    ShortBuffer sb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    for (float f : v) {
      sb.put(toHalf(f));
    }
    return out;
  }

  @Override
  public Parameters decode(ParameterLayout layout, byte[] data) {
    checkLength(layout, data.length);
    float[] values = new float[layout.totalSize()];
    ShortBuffer sb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    for (int i = 0; i < values.length; i++) {
      values[i] = toFloat(sb.get());
    }
    return new Parameters(layout, values);
  }

  /**
   * Converts a float to the nearest half (ties to even); NaN stays NaN, overflow becomes infinity.
   *
   * @param f the value
   * @return the half's 16 bits
   */
  public static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      // Infinity or NaN (keep NaN quiet and non-zero).
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // too small even for a subnormal half: signed zero
      }
      // Subnormal half: shift the mantissa (with its implicit 1) right, rounding to nearest even.
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, up to infinity: that is the correct rounding
    }
    return (short) (sign | half);
  }

  /**
   * Converts a half's 16 bits to the float of the same value (exact).
   *
   * @param h the half
   * @return its value
   */
  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact in float
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  @Override
  public String toString() {
    return NAME;
  }
}

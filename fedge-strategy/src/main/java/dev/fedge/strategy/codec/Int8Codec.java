package dev.fedge.strategy.codec;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Symmetric 8-bit quantisation with one scale per tensor: for each tensor, {@code scale =
 * max|x| / 127} and {@code q = round(x / scale)} in [-127, 127]; decoding gives {@code q * scale},
 * so each value is off by at most {@code scale / 2}.
 *
 * <p>Wire format, per tensor in layout order: the scale as a little-endian float32, then one
 * signed byte per value. Total: {@code 4 * tensors + values} bytes.
 */
public final class Int8Codec implements WireCodec {

  /** The codec's name in run configs. */
  public static final String NAME = "int8";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long encodedSize(ParameterLayout layout) {
    return 4L * layout.count() + layout.totalSize();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when a value is NaN or infinite (it has no scale)
   */
  @Override
  public byte[] encode(Parameters parameters) {
    ParameterLayout layout = parameters.layout();
    float[] v = parameters.values();
    ByteBuffer out =
        ByteBuffer.allocate((int) encodedSize(layout)).order(ByteOrder.LITTLE_ENDIAN);
    int off = 0;
    for (TensorSpec t : layout.tensors()) {
      int n = t.size();
      float max = 0;
      for (int i = off; i < off + n; i++) {
        float x = v[i];
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException(
              "codec int8: tensor '" + t.name() + "' has a non-finite value " + x + " at index "
                  + (i - off));
        }
        max = Math.max(max, Math.abs(x));
      }
      float scale = max / 127f;
      out.putFloat(scale);
      float inv = scale == 0 ? 0 : 1f / scale;
      for (int i = off; i < off + n; i++) {
        int q = Math.round(v[i] * inv);
        out.put((byte) Math.max(-127, Math.min(127, q)));
      }
      off += n;
    }
    return out.array();
  }

  @Override
  public Parameters decode(ParameterLayout layout, byte[] data) {
    checkLength(layout, data.length);
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[layout.totalSize()];
    int off = 0;
    for (TensorSpec t : layout.tensors()) {
      float scale = in.getFloat();
      if (!Float.isFinite(scale) || scale < 0) {
        throw new IllegalArgumentException(
            "codec int8: tensor '" + t.name() + "' has an invalid scale " + scale);
      }
      int n = t.size();
      for (int i = 0; i < n; i++) {
        values[off + i] = in.get() * scale;
      }
      off += n;
    }
    return new Parameters(layout, values);
  }

  @Override
  public String toString() {
    return NAME;
  }
}

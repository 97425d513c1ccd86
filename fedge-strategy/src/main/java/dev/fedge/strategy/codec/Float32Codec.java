package dev.fedge.strategy.codec;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Lossless codec: 4 bytes per value, IEEE 754 single precision, little-endian. */
public final class Float32Codec implements WireCodec {

  /** The codec's name in run configs. */
  public static final String NAME = "float32";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long encodedSize(ParameterLayout layout) {
    return 4L * layout.totalSize();
  }

  @Override
  public byte[] encode(Parameters parameters) {
    byte[] out = new byte[4 * parameters.size()];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(parameters.values());
    return out;
  }

  @Override
  public Parameters decode(ParameterLayout layout, byte[] data) {
    checkLength(layout, data.length);
    float[] values = new float[layout.totalSize()];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return new Parameters(layout, values);
  }

  @Override
  public String toString() {
    return NAME;
  }
}

package dev.fedge.strategy.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class Int8CodecTest {

  private final Int8Codec codec = new Int8Codec();

  @Test
  void roundTrip_errorAtMostHalfScalePerTensor_andOneBytePerValuePlusScales() {
    Parameters p = CodecTestData.random(4);
    ParameterLayout layout = p.layout();

    byte[] bytes = codec.encode(p);
    Parameters back = codec.decode(layout, bytes);

    assertEquals(4L * layout.count() + p.size(), bytes.length);
    assertEquals(bytes.length, codec.encodedSize(layout));
    for (int t = 0; t < layout.count(); t++) {
      String name = layout.tensors().get(t).name();
      float[] x = p.tensor(name);
      float[] y = back.tensor(name);
      float max = 0;
      for (float v : x) {
        max = Math.max(max, Math.abs(v));
      }
      float scale = max / 127;
      for (int i = 0; i < x.length; i++) {
        assertTrue(Math.abs(x[i] - y[i]) <= scale / 2 * 1.0001f,
            name + "[" + i + "]: " + x[i] + " -> " + y[i] + " (scale " + scale + ")");
      }
    }
  }

  @Test
  void encode_writesScaleThenQuantisedValues() {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("x", new int[] {3})),
        new float[] {-2.54f, 1.27f, 0f});

    byte[] bytes = codec.encode(p);

    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0.02f, b.getFloat(), 1e-7f);
    assertArrayEquals(new byte[] {-127, 64, 0}, new byte[] {b.get(), b.get(), b.get()});
  }

  @Test
  void allZeroTensor_roundTripsToZeros() {
    Parameters p = Parameters.zeros(CodecTestData.LAYOUT);

    Parameters back = codec.decode(p.layout(), codec.encode(p));

    assertEquals(p, back);
  }

  @Test
  void encode_nonFinite_namesTensorAndIndex() {
    float[] v = new float[CodecTestData.LAYOUT.totalSize()];
    v[CodecTestData.LAYOUT.offset(1) + 2] = Float.NaN;
    Parameters p = new Parameters(CodecTestData.LAYOUT, v);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> codec.encode(p));

    assertTrue(e.getMessage().contains("'conv.bias'"), e.getMessage());
    assertTrue(e.getMessage().contains("index 2"), e.getMessage());
  }

  @Test
  void decode_badScaleOrLength_isRejected() {
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("x", new int[] {2}));
    byte[] bad = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(Float.NaN).put((byte) 1).put((byte) 2).array();

    IllegalArgumentException scale =
        assertThrows(IllegalArgumentException.class, () -> codec.decode(layout, bad));
    IllegalArgumentException length =
        assertThrows(IllegalArgumentException.class, () -> codec.decode(layout, new byte[5]));

    assertTrue(scale.getMessage().contains("invalid scale NaN"), scale.getMessage());
    assertTrue(length.getMessage().contains("needs 6 bytes, got 5"), length.getMessage());
  }
}

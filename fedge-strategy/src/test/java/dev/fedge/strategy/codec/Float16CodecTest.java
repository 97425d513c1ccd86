package dev.fedge.strategy.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import org.junit.jupiter.api.Test;

class Float16CodecTest {

  private final Float16Codec codec = new Float16Codec();

  @Test
  void roundTrip_relativeErrorWithinHalfUlp_andTwoBytesPerValue() {
    Parameters p = CodecTestData.random(3);

    byte[] bytes = codec.encode(p);
    Parameters back = codec.decode(p.layout(), bytes);

    assertEquals(2L * p.size(), bytes.length);
    assertEquals(bytes.length, codec.encodedSize(p.layout()));
    for (int i = 0; i < p.size(); i++) {
      float x = p.values()[i];
      float y = back.values()[i];
      double bound = Math.max(Math.abs(x) * 0x1p-11, 0x1p-25);
      assertTrue(Math.abs(x - y) <= bound, "value " + i + ": " + x + " -> " + y);
    }
  }

  @Test
  void toHalf_knownBitPatterns() {
    assertEquals((short) 0x3c00, Float16Codec.toHalf(1f));
    assertEquals((short) 0xc000, Float16Codec.toHalf(-2f));
    assertEquals((short) 0x7bff, Float16Codec.toHalf(65504f));
    assertEquals((short) 0x7c00, Float16Codec.toHalf(65520f)); // rounds up to infinity
    assertEquals((short) 0x0001, Float16Codec.toHalf(0x1p-24f)); // smallest subnormal
    assertEquals((short) 0x0400, Float16Codec.toHalf(0x1p-14f)); // smallest normal
    assertEquals((short) 0x3555, Float16Codec.toHalf(1f / 3));
    assertEquals((short) 0x8000, Float16Codec.toHalf(-0f));
    assertEquals((short) 0x0000, Float16Codec.toHalf(0x1p-26f));
    assertEquals((short) 0x3c00, Float16Codec.toHalf(1f + 0x1p-11f)); // tie to even (down)
    assertEquals((short) 0x3c02, Float16Codec.toHalf(1f + 3 * 0x1p-11f)); // tie to even (up)
    assertTrue(Float.isNaN(Float16Codec.toFloat(Float16Codec.toHalf(Float.NaN))));
    assertEquals(Float.NEGATIVE_INFINITY,
        Float16Codec.toFloat(Float16Codec.toHalf(Float.NEGATIVE_INFINITY)));
  }

  @Test
  void everyHalf_roundTripsExactlyThroughFloat() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Float16Codec.toFloat((short) h);
      if (Float.isNaN(f)) {
        continue;
      }
      assertEquals((short) h, Float16Codec.toHalf(f), "half 0x" + Integer.toHexString(h));
    }
  }

  @Test
  void decode_wrongLength_isRejected() {
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("x", new int[] {4}));

    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> codec.decode(layout, new byte[7]));

    assertTrue(e.getMessage().contains("float16"), e.getMessage());
    assertTrue(e.getMessage().contains("needs 8 bytes, got 7"), e.getMessage());
  }

  @Test
  void encode_overflow_becomesInfinity() {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("x", new int[] {1})),
        new float[] {1e6f});

    Parameters back = codec.decode(p.layout(), codec.encode(p));

    assertEquals(0, back.firstNonFinite());
  }
}

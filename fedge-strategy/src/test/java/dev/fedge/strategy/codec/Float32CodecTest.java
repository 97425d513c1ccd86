package dev.fedge.strategy.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import org.junit.jupiter.api.Test;

class Float32CodecTest {

  private final Float32Codec codec = new Float32Codec();

  @Test
  void roundTrip_isExact_andFourBytesPerValue() {
    Parameters p = CodecTestData.random(1);

    byte[] bytes = codec.encode(p);
    Parameters back = codec.decode(p.layout(), bytes);

    assertEquals(4L * p.size(), bytes.length);
    assertEquals(bytes.length, codec.encodedSize(p.layout()));
    assertArrayEquals(p.values(), back.values());
  }

  @Test
  void encode_isLittleEndian() {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("x", new int[] {1})),
        new float[] {1.0f});

    byte[] bytes = codec.encode(p);

    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f}, bytes);
  }

  @Test
  void decode_wrongLength_namesCodecAndLengths() {
    Parameters p = CodecTestData.random(2);
    byte[] truncated = new byte[codec.encode(p).length - 4];

    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> codec.decode(p.layout(), truncated));

    assertTrue(e.getMessage().contains("float32"), e.getMessage());
    assertTrue(e.getMessage().contains("needs " + 4 * p.size() + " bytes, got "
        + truncated.length), e.getMessage());
  }

  @Test
  void roundTrip_keepsNonFiniteValues() {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("x", new int[] {3})),
        new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f});

    Parameters back = codec.decode(p.layout(), codec.encode(p));

    assertEquals(0, back.firstNonFinite());
    assertTrue(Float.isInfinite(back.values()[1]));
  }
}

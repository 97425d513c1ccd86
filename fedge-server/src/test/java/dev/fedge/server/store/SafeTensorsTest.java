package dev.fedge.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  private static Parameters tiny() {
    ParameterLayout layout =
        ParameterLayout.of(new TensorSpec("a", new int[] {2}), new TensorSpec("b", new int[] {1, 1}));
    return new Parameters(layout, new float[] {1f, 2f, 3f});
  }

  @Test
  void writesTheFormatByteForByte() throws Exception {
    // Arrange: the bytes safetensors defines for this model, assembled by hand
    String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
    int padded = (json.length() + 7) / 8 * 8;
    ByteBuffer expected = ByteBuffer.allocate(8 + padded + 12).order(ByteOrder.LITTLE_ENDIAN);
    expected.putLong(padded);
    expected.put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.UTF_8));
    expected.putFloat(1f).putFloat(2f).putFloat(3f);

    // Act
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(tiny(), Map.of(), out);

    // Assert
    assertArrayEquals(expected.array(), out.toByteArray());
  }

  @Test
  void roundTripsValuesLayoutAndMetadata(@TempDir Path dir) throws Exception {
    float[] v = new float[70_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i) * i;
    }
    ParameterLayout layout = ParameterLayout.of(
        new TensorSpec("conv.weight", new int[] {10, 1, 70, 70}),
        new TensorSpec("head.bias", new int[] {1000}));
    Parameters p = new Parameters(layout, Arrays.copyOf(v, layout.totalSize()));
    Path file = dir.resolve("m.safetensors");

    SafeTensors.write(p, Map.of("k", "v"), file);
    SafeTensors.Contents back = SafeTensors.read(file);

    assertEquals(p, back.parameters());
    assertEquals("v", back.metadata().get("k"));
  }

  @Test
  void rejectsTruncatedAndCorruptFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("m.safetensors");
    SafeTensors.write(tiny(), Map.of(), file);
    byte[] bytes = Files.readAllBytes(file);

    Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));
    IllegalArgumentException truncated =
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file));
    assertTrue(truncated.getMessage().contains("m.safetensors"), truncated.getMessage());

    Files.write(file, new byte[] {1, 2, 3});
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file));

    byte[] garbage = bytes.clone();
    garbage[8] = (byte) '#';
    Files.write(file, garbage);
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file));
  }
}

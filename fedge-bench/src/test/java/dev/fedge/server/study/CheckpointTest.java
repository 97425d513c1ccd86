package dev.fedge.server.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @Test
  void halfPrecisionMatchesKnownBitPatterns() {
    assertEquals((short) 0x3c00, Checkpoint.toHalf(1f));
    assertEquals((short) 0xc000, Checkpoint.toHalf(-2f));
    assertEquals((short) 0x7bff, Checkpoint.toHalf(65504f));
    assertEquals((short) 0x7c00, Checkpoint.toHalf(1e6f));
    assertEquals((short) 0x0001, Checkpoint.toHalf(0x1p-24f));
    assertEquals((short) 0x0400, Checkpoint.toHalf(0x1p-14f));
    assertEquals((short) 0x3555, Checkpoint.toHalf(1f / 3));
    assertEquals(0f, Checkpoint.toFloat(Checkpoint.toHalf(1e-9f)));
    assertEquals(0x1p-24f, Checkpoint.toFloat((short) 0x0001));
    assertEquals(-2f, Checkpoint.toFloat((short) 0xc000));
    assertEquals(Float.POSITIVE_INFINITY, Checkpoint.toFloat((short) 0x7c00));
    assertTrue(Float.isNaN(Checkpoint.toFloat(Checkpoint.toHalf(Float.NaN))));
  }

  @Test
  void roundTripKeepsTheLayoutTheRoundAndThreeDigits(@TempDir Path dir) throws Exception {
    ParameterLayout layout =
        ParameterLayout.of(
            new TensorSpec("conv.weight", new int[] {4, 1, 3, 3}),
            new TensorSpec("conv.bias", new int[] {4}),
            new TensorSpec("fc.weight", new int[] {10, 36}));
    float[] v = new float[layout.totalSize()];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian() * 0.1f;
    }
    Path file = dir.resolve("sub/cell.ckpt.safetensors");

    Checkpoint.write(file, 17, new Parameters(layout, v), Map.of("cell", "fedavg iid s1"));
    Checkpoint.Saved saved = Checkpoint.read(file);

    assertEquals(17, saved.round());
    assertEquals(layout, saved.parameters().layout());
    float[] back = saved.parameters().values();
    for (int i = 0; i < v.length; i++) {
      assertEquals(v[i], back[i], Math.abs(v[i]) * 1e-3 + 1e-7, "value " + i);
    }
    assertEquals(v.length * 2L, Files.size(file) - 8 - headerLength(file));
    assertArrayEquals(back, Checkpoint.read(file).parameters().values());
    assertTrue(!Files.exists(dir.resolve("sub/cell.ckpt.safetensors.tmp")));
  }

  @Test
  void aTruncatedFileIsRejectedNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.ckpt.safetensors");
    Checkpoint.write(
        file,
        1,
        new Parameters(ParameterLayout.of(new TensorSpec("w", new int[] {8})), new float[8]),
        Map.of());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 2));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  private static long headerLength(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    return java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }
}

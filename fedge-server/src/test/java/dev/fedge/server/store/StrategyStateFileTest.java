package dev.fedge.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrategyStateFileTest {

  private static Map<String, float[]> moments() {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("m", new float[] {0.5f, -1.25f, 3f});
    m.put("v", new float[] {1e-3f, 2f});
    return m;
  }

  @Test
  void buffersAndRoundComeBackAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("round-7.safetensors");

    StrategyStateFile.write(file, 7, moments());
    StrategyStateFile.Saved saved = StrategyStateFile.read(file);

    assertEquals(7, saved.round());
    assertEquals(List.of("m", "v"), List.copyOf(saved.buffers().keySet()));
    assertArrayEquals(new float[] {0.5f, -1.25f, 3f}, saved.buffers().get("m"));
    assertArrayEquals(new float[] {1e-3f, 2f}, saved.buffers().get("v"));
    assertTrue(Files.notExists(dir.resolve("round-7.safetensors.tmp")), "no temporary left");
  }

  @Test
  void aModelFileIsNotAState_andNoBuffersIsRefused(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("model.safetensors");
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("w", new int[] {2}));
    SafeTensors.write(new Parameters(layout, new float[] {1f, 2f}), Map.of(), model);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StrategyStateFile.read(model));
    assertEquals(
        "model.safetensors: not a strategy state file (no round in its metadata)", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> StrategyStateFile.write(dir.resolve("x.safetensors"), 1, Map.of()));
  }

  @Test
  void aSeriesKeepsOneRound_andLeavesOtherFilesAlone(@TempDir Path dir) throws Exception {
    StrategyStateFile.Series series = new StrategyStateFile.Series(dir.resolve("run1"), "round-");
    for (int r = 1; r <= 3; r++) {
      StrategyStateFile.write(series.file(r), r, moments());
    }
    Files.writeString(dir.resolve("run1/round-notes.txt"), "mine");
    Files.writeString(dir.resolve("run1/round-x.safetensors"), "not a round");

    series.deleteExcept(3);

    try (Stream<Path> left = Files.list(dir.resolve("run1"))) {
      assertEquals(
          List.of("round-3.safetensors", "round-notes.txt", "round-x.safetensors"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    series.deleteExcept(-1);
    assertTrue(Files.notExists(series.file(3)));
    new StrategyStateFile.Series(dir.resolve("never-made"), "round-").deleteExcept(1);
  }
}

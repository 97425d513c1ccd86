package dev.fedge.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  private static Parameters model(float x) {
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("w", new int[] {3}));
    return new Parameters(layout, new float[] {x, x + 1, x + 2});
  }

  @Test
  void savesLoadsAndListsRounds(@TempDir Path dir) throws Exception {
    ModelStore store = new ModelStore(dir);

    store.save(new ModelKey("lab", "fmnist", 1), model(1), Map.of("strategy", "fedavg"));
    store.save(new ModelKey("lab", "fmnist", 2), model(2), Map.of("strategy", "fedavg"));
    store.save(new ModelKey("lab", "cifar", 1), model(5), Map.of());

    assertEquals(model(2), store.load(new ModelKey("lab", "fmnist", 2)));
    assertEquals(List.of(1, 2), store.rounds("lab", "fmnist"));
    assertEquals(Optional.of(new ModelKey("lab", "fmnist", 2)), store.latest("lab", "fmnist"));
    assertEquals(3, store.list().size());
    assertTrue(Files.exists(dir.resolve("lab/fmnist/2/model.safetensors")));
    Map<String, Object> manifest = store.manifest(new ModelKey("lab", "fmnist", 2));
    assertEquals("fedavg", ((Map<?, ?>) manifest.get("provenance")).get("strategy"));
    assertEquals(ModelStore.sha256(store.modelFile(new ModelKey("lab", "fmnist", 2))),
        manifest.get("sha256"));
  }

  @Test
  void savingARoundAgainReplacesItAndLeavesNoTemporaryFolders(@TempDir Path dir) throws Exception {
    ModelStore store = new ModelStore(dir);
    ModelKey key = new ModelKey("g", "p", 3);

    store.save(key, model(1), Map.of());
    store.save(key, model(7), Map.of());

    assertEquals(model(7), store.load(key));
    try (Stream<Path> s = Files.list(dir.resolve("g/p"))) {
      assertEquals(List.of("3"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void detectsACorruptModelFile(@TempDir Path dir) throws Exception {
    ModelStore store = new ModelStore(dir);
    ModelKey key = new ModelKey("g", "p", 1);
    store.save(key, model(1), Map.of());
    byte[] bytes = Files.readAllBytes(store.modelFile(key));
    bytes[bytes.length - 1] ^= 0x55;
    Files.write(store.modelFile(key), bytes);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.load(key));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @Test
  void missingRoundsAndBadNamesAreClearErrors(@TempDir Path dir) {
    ModelStore store = new ModelStore(dir);
    assertThrows(NoSuchFileException.class, () -> store.load(new ModelKey("g", "p", 9)));
    assertEquals(Optional.empty(), store.latest("g", "p"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ModelKey("../etc", "p", 1));
    assertTrue(e.getMessage().contains("../etc"));
  }
}

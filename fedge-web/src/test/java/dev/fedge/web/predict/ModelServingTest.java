package dev.fedge.web.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelServingTest {

  @TempDir Path dir;
  ModelStore store;
  ModelServing serving;

  static Parameters model(float v) {
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("head.bias", new int[] {10}));
    float[] values = new float[10];
    java.util.Arrays.fill(values, v);
    return new Parameters(layout, values);
  }

  static Map<String, Object> provenance() {
    return Map.of("config", Map.of("model", "cnn", "dataset", "fashion-mnist"));
  }

  @BeforeEach
  void setUp() throws Exception {
    store = new ModelStore(dir);
    store.save(new ModelKey("lab", "fmnist", 1), model(1), provenance());
    store.save(new ModelKey("lab", "fmnist", 3), model(3), provenance());
    store.save(new ModelKey("lab.eu", "v1.2", 4), model(4), provenance());
    serving = new ModelServing(store, new DjlPredictor());
  }

  @Test
  void namesResolveToLatestOrPinnedRounds() {
    assertEquals(new ModelKey("lab", "fmnist", 3), serving.resolve("lab.fmnist"));
    assertEquals(new ModelKey("lab", "fmnist", 1), serving.resolve("lab.fmnist.1"));
    assertEquals(new ModelKey("lab.eu", "v1.2", 4), serving.resolve("lab.eu.v1.2"));
    assertEquals(new ModelKey("lab.eu", "v1.2", 4), serving.resolve("lab.eu.v1.2.4"));
  }

  @Test
  void unknownAndMalformedNames() {
    NoSuchElementException round =
        assertThrows(NoSuchElementException.class, () -> serving.resolve("lab.fmnist.2"));
    NoSuchElementException project =
        assertThrows(NoSuchElementException.class, () -> serving.resolve("lab.other"));
    IllegalArgumentException noDot =
        assertThrows(IllegalArgumentException.class, () -> serving.resolve("fmnist"));
    IllegalArgumentException slash =
        assertThrows(IllegalArgumentException.class, () -> serving.resolve("../etc.passwd"));

    assertEquals(
        "no model named 'lab.fmnist.2' in the registry (names are group.project for the"
            + " latest round, group.project.round or group.project.alias)",
        round.getMessage());
    assertEquals(
        "no model named 'lab.other' in the registry (names are group.project for the"
            + " latest round, group.project.round or group.project.alias)",
        project.getMessage());
    assertEquals(
        "model name must be group.project or group.project.round, got 'fmnist'",
        noDot.getMessage());
    assertEquals(
        "model name must be group.project or group.project.round, got '../etc.passwd'",
        slash.getMessage());
  }

  @Test
  void loadedModelsAreCachedAndReloadedWhenANewRoundIsSaved() throws Exception {
    ModelServing.Served a = serving.load("lab.fmnist");
    ModelServing.Served b = serving.load("lab.fmnist");
    store.save(new ModelKey("lab", "fmnist", 5), model(5), provenance());
    ModelServing.Served c = serving.load("lab.fmnist");

    assertSame(a.parameters(), b.parameters());
    assertEquals(3, a.key().round());
    assertEquals(5, c.key().round());
    assertNotSame(a.parameters(), c.parameters());
    assertEquals(5f, c.parameters().values()[0]);
    assertEquals(10, c.spec().numClasses());
  }

  @Test
  void aModelWithoutArchitectureCannotBeServed() throws Exception {
    store.save(new ModelKey("lab", "bare", 1), model(1), Map.of());

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> serving.load("lab.bare"));

    assertEquals(
        "cannot serve model lab/bare/1: model lab/bare/1: its manifest names no"
            + " architecture (provenance.model, provenance.config.model or"
            + " provenance.settings.model)",
        e.getMessage());
  }
}

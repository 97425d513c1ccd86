package dev.fedge.web.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.data.Datasets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputSpecTest {

  static Map<String, Object> manifest(Map<String, Object> provenance) {
    return Map.of(
        "group",
        "lab",
        "project",
        "p",
        "round",
        3,
        "provenance",
        provenance,
        "tensors",
        List.of(
            Map.of("name", "fc.weight", "shape", List.of(7, 4)),
            Map.of("name", "head.bias", "shape", List.of(7))));
  }

  @Test
  void knownDataSetGivesShapeAndNormalisation() {
    InputSpec s =
        InputSpec.fromManifest(
            manifest(Map.of("config", Map.of("model", "resnet18", "dataset", "cifar10"))));

    assertEquals("resnet18", s.model());
    assertEquals(3, s.channels());
    assertEquals(32, s.height());
    assertEquals(32, s.width());
    assertEquals(7, s.numClasses());
    assertArrayEquals(Datasets.normalization("cifar10").mean(), s.normalization().mean());
    assertEquals("32x32x3 or 3x32x32", s.acceptedShapes());
  }

  @Test
  void explicitInputAndNormalisationWin() {
    InputSpec s =
        InputSpec.fromManifest(
            manifest(
                Map.of(
                    "model",
                    "cnn",
                    "dataset",
                    "folder:x",
                    "input",
                    Map.of("channels", 1, "height", 20, "width", 24),
                    "normalization",
                    Map.of("mean", List.of(0.4), "std", List.of(0.2)))));

    assertEquals(20, s.height());
    assertEquals(24, s.width());
    assertEquals(0.4f, s.normalization().mean()[0], 1e-7);
    assertEquals("20x24, 20x24x1 or 1x20x24", s.acceptedShapes());
  }

  @Test
  void aFederationServerManifestTakesTheServersDefaults() {
    InputSpec s =
        InputSpec.fromManifest(
            manifest(Map.of("run", "r1", "settings", Map.of("strategy", "fedprox", "lr", "0.05"))));

    assertEquals("cnn", s.model());
    assertEquals("fashion-mnist", s.dataset());
    assertEquals("28x28, 28x28x1 or 1x28x28", s.acceptedShapes());
  }

  @Test
  void missingFactsAreNamed() {
    IllegalArgumentException noModel =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputSpec.fromManifest(manifest(Map.of("config", Map.of("dataset", "mnist")))));
    IllegalArgumentException unknownData =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputSpec.fromManifest(manifest(Map.of("model", "cnn", "dataset", "folder:x"))));

    assertEquals(
        "model lab/p/3: its manifest names no architecture (provenance.model,"
            + " provenance.config.model or provenance.settings.model)",
        noModel.getMessage());
    assertEquals(
        "model lab/p/3: cannot tell its input shape: data set 'folder:x' is not a known"
            + " one and the manifest has no provenance.input",
        unknownData.getMessage());
  }
}

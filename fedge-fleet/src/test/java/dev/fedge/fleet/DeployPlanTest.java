package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployPlanTest {

  @TempDir Path tmp;

  @Test
  void plansJarLibConfigAndDataWithTheirChecksums() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(lib.resolve("b.jar"), "b");
    Files.writeString(lib.resolve("a.jar"), "a");
    Path config = Files.writeString(tmp.resolve("client.yaml"), "x: 1\n");
    Path data = Files.createDirectories(tmp.resolve("d/sub"));
    Files.writeString(data.resolve("f.bin"), "data");

    DeployPlan plan = DeployPlan.of(jar, lib, config, tmp.resolve("d"));

    assertEquals(List.of("fedge.jar", "lib/a.jar", "lib/b.jar", "client.yaml", "data/sub/f.bin"),
        plan.files().stream().map(DeployPlan.File::target).toList());
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        plan.files().get(0).sha256(), "SHA-256 of 'abc'");
    assertEquals(List.of("data", "data/sub", "lib"), plan.directories());
  }

  @Test
  void missingFilesNameTheOption() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");

    IllegalArgumentException noJar = assertThrows(IllegalArgumentException.class,
        () -> DeployPlan.of(tmp.resolve("nope.jar"), null, null, null));
    IllegalArgumentException noLib = assertThrows(IllegalArgumentException.class,
        () -> DeployPlan.of(jar, tmp.resolve("nolib"), null, null));
    IllegalArgumentException noConfig = assertThrows(IllegalArgumentException.class,
        () -> DeployPlan.of(jar, null, tmp.resolve("c.yaml"), null));

    assertEquals("--jar: no such file: " + tmp.resolve("nope.jar")
        + " (build it with 'mvn -q package -DskipTests' or pass --jar)", noJar.getMessage());
    assertEquals("--lib: no such folder: " + tmp.resolve("nolib"), noLib.getMessage());
    assertEquals("--config: no such file: " + tmp.resolve("c.yaml"), noConfig.getMessage());
  }

  @Test
  void readsSha256sumOutput() {
    String hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    Map<String, String> m = FleetTasks.parseHashes(hex + "  fedge.jar\n" + hex
        + " *lib/a b.jar\nsha256sum: lib/x.jar: No such file or directory\n");

    assertEquals(Map.of("fedge.jar", hex, "lib/a b.jar", hex), m);
  }
}

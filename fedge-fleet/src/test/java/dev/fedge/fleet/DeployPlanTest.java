package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  @Test
  void staleJarsAreTheRemoteLibJarsTheLocalLibLacks() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(lib.resolve("guava-32.jar"), "new");
    Files.writeString(Files.createDirectories(lib.resolve("native")).resolve("x.jar"), "x");
    DeployPlan plan = DeployPlan.of(jar, lib, null, null);

    List<String> stale = plan.staleJars(List.of("guava-32.jar", "guava-31.jar", "README.txt",
        "x.jar", "fedge.jar", "a.jar.fedge-part", "old.JAR.bak", "0-old.jar"));

    assertEquals(List.of("lib/0-old.jar", "lib/fedge.jar", "lib/guava-31.jar", "lib/x.jar"),
        stale, "only *.jar, not in the plan as lib/NAME (lib/native/x.jar is another file)");
  }

  @Test
  void anEmptyLibMakesEveryRemoteJarStaleButNoLibMakesNone() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");
    Path emptyLib = Files.createDirectories(tmp.resolve("empty"));

    DeployPlan withEmptyLib = DeployPlan.of(jar, emptyLib, null, null);
    DeployPlan withoutLib = DeployPlan.of(jar, null, null, null);

    assertTrue(withEmptyLib.hasLib());
    assertEquals(List.of("lib/a.jar"), withEmptyLib.staleJars(List.of("a.jar", "b.txt")));
    assertFalse(withoutLib.hasLib());
    assertEquals(List.of(), withoutLib.staleJars(List.of("a.jar")));
  }

  @Test
  void aPlanWithLibFilesMustSayItHasALib() throws Exception {
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");
    DeployPlan.File libFile = new DeployPlan.File(jar, "lib/a.jar", DeployPlan.sha256(jar), 3);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DeployPlan(List.of(libFile), false));

    assertEquals("hasLib: the plan has files under lib/, so it deploys a lib folder",
        e.getMessage());
    assertTrue(new DeployPlan(List.of(libFile)).hasLib());
  }
}

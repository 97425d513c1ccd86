package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy's preparing script, run by the local {@code sh} with a folder of the test as HOME. */
class FleetTasksTest {

  @TempDir Path tmp;
  Path home;
  DeployPlan plan;

  @BeforeEach
  void plan() throws Exception {
    home = Files.createDirectories(tmp.resolve("home"));
    Path jar = Files.writeString(tmp.resolve("fedge.jar"), "abc");
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(lib.resolve("a.jar"), "a");
    plan = DeployPlan.of(jar, lib, null, null);
  }

  @Test
  void pruningTheLoginDirectoryIsRefusedBeforeAnythingIsMade() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("to-home"), home);

    String tilde = run(FleetTasks.prepareScript(plan, new RemoteDir("~"), true));
    String viaLink = run(FleetTasks.prepareScript(plan, new RemoteDir(link.toString()), true));

    assertEquals(FleetTasks.REFUSE + "home\n", tilde);
    assertEquals(FleetTasks.REFUSE + "home\n", viaLink);
    assertFalse(Files.exists(home.resolve("lib")), "nothing made in the login directory");
  }

  @Test
  void withoutPruningTheLoginDirectoryIsDeployedInto() throws Exception {
    Files.createDirectories(home.resolve("lib"));
    Files.writeString(home.resolve("lib/a.jar"), "a");

    String out = run(FleetTasks.prepareScript(plan, new RemoteDir("~"), false));

    assertEquals("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  lib/a.jar\n",
        out, "SHA-256 of 'a'; fedge.jar is not there yet");
  }

  @Test
  void aFolderOfItsOwnIsMadeAndHashed() throws Exception {
    Path remote = tmp.resolve("remote fedge");

    String out = run(FleetTasks.prepareScript(plan, new RemoteDir(remote.toString()), true));

    assertEquals("", out);
    assertTrue(Files.isDirectory(remote.resolve("lib")));
  }

  private String run(String script) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-s").redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sh did not end");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}

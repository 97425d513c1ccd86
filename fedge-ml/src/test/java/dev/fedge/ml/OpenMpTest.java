package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OpenMpTest {

  private interface LibC extends Library {
    String getenv(String name);
  }

  @Test
  void theChosenPolicyIsInTheProcessEnvironmentOnceTheEngineRuns() {
    String before = System.getenv(OpenMp.WAIT_POLICY);

    try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1)) {
      String now = Native.load("c", LibC.class).getenv(OpenMp.WAIT_POLICY);

      OpenMp.Choice chosen = OpenMp.chosen();
      assertNotNull(chosen);
      assertEquals(before == null ? chosen.policy() : before, now);
      assertTrue(DjlRuntime.openMpWaiting().startsWith(now + " ("), DjlRuntime.openMpWaiting());
    }
  }

  @Test
  void threadsSpinOnlyWhereEachFindsAnIdleCore() {
    assertEquals("ACTIVE", OpenMp.choose(2, 2, 0.05, 0).policy());
    assertEquals("ACTIVE", OpenMp.choose(4, 8, 3.9, 0).policy());
    assertEquals("PASSIVE", OpenMp.choose(2, 2, 0.9, 0).policy());
    assertEquals("PASSIVE", OpenMp.choose(2, 2, 4.0, 0).policy());
    assertEquals("PASSIVE", OpenMp.choose(8, 4, 0.0, 0).policy());
  }

  @Test
  void anotherFedgeEngineOnTheMachineMeansSharedCores() throws Exception {
    assertEquals("PASSIVE", OpenMp.choose(2, 8, 0.0, 1).policy());
    assertEquals("2 threads, 8 cores, load 0.00, 1 other fedge engine on this machine: cores shared",
        OpenMp.choose(2, 8, 0.0, 1).reason());

    int before = OpenMp.registerEngine();
    Process other = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), EngineHolder.class.getName())
        .redirectErrorStream(true)
        .start();
    try {
      String line = new String(other.getInputStream().readNBytes(6), StandardCharsets.UTF_8);
      assertEquals("ready\n", line);
      assertEquals(before + 1, OpenMp.registerEngine());
    } finally {
      other.destroyForcibly().waitFor();
    }
    assertEquals(before, OpenMp.registerEngine(), "a killed process's lock is gone");
  }

  /** A process that registers an engine and waits to be killed. */
  static final class EngineHolder {
    public static void main(String[] args) throws Exception {
      OpenMp.registerEngine();
      System.out.print("ready\n");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }

  @Test
  void oneThreadOrAnUnknownLoadSleeps() {
    assertEquals("PASSIVE", OpenMp.choose(1, 4, 0.0, 0).policy());
    OpenMp.Choice unknown = OpenMp.choose(2, 4, -1, 0);
    assertEquals("PASSIVE", unknown.policy());
    assertEquals("2 threads, 4 cores, load unknown: cores may be shared", unknown.reason());
    assertEquals("2 threads, 2 cores, load 1.30: cores shared", OpenMp.choose(2, 2, 1.3, 0).reason());
  }
}

package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

class OpenMpTest {

  private interface LibC extends Library {
    String getenv(String name);
  }

  @Test
  void passiveWaitingIsInTheProcessEnvironmentOnceTheEngineRuns() {
    String before = System.getenv(OpenMp.WAIT_POLICY);

    try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 1, 1)) {
      String now = Native.load("c", LibC.class).getenv(OpenMp.WAIT_POLICY);

      assertEquals(before == null ? "PASSIVE" : before, now);
    }
  }
}

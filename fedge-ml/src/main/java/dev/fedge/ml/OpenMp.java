package dev.fedge.ml;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * OpenMP settings that must be in the process environment before PyTorch's OpenMP runtime loads.
 *
 * <p>By default, OpenMP threads spin while they wait for work. When the cores are shared (other
 * processes, a simulation next to a server, an edge device doing its real job), a spinning thread
 * burns the time slice its partner needs, and training with 2 threads on 2 busy cores was measured
 * 10 to 20 times slower than with waiting threads that sleep ({@code docs/BENCHMARKS.md}). So,
 * unless {@code OMP_WAIT_POLICY} is set already, fedge sets it to {@code PASSIVE} before the engine
 * starts; set {@code OMP_WAIT_POLICY=ACTIVE} to keep spinning.
 */
final class OpenMp {

  /** The environment variable read by OpenMP runtimes (libgomp, libomp, Intel's). */
  static final String WAIT_POLICY = "OMP_WAIT_POLICY";

  /** libc's {@code setenv}. */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  private OpenMp() {}

  /**
   * Sets {@code OMP_WAIT_POLICY=PASSIVE} in this process's environment unless it is set; has an
   * effect only before PyTorch is loaded, and none where libc has no {@code setenv}.
   *
   * @return whether the variable was set here
   */
  static boolean preferPassiveWaiting() {
    if (System.getenv(WAIT_POLICY) != null) {
      return false;
    }
    try {
      return Native.load("c", LibC.class).setenv(WAIT_POLICY, "PASSIVE", 0) == 0;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}

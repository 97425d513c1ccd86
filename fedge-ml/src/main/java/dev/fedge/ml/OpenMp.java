package dev.fedge.ml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * OpenMP settings that must be in the process environment before PyTorch's OpenMP runtime loads.
 *
 * <p>OpenMP threads either spin while they wait for the next parallel region ({@code ACTIVE}) or
 * sleep ({@code PASSIVE}). Spinning is 5 to 20 % faster when the training threads have the cores to
 * themselves (no wake-up per region), and 10 to 20 times slower when the cores are shared (other
 * processes, a simulation next to a server, an edge device doing its real job): a spinning thread
 * burns the time slice its partner needs ({@code docs/BENCHMARKS.md}). The policy is read once, when
 * the runtime loads, so fedge chooses it then from the cores this process may use and the load
 * already on them: {@code ACTIVE} only when every training thread finds an idle core and no other
 * fedge process on this machine runs an engine, otherwise {@code PASSIVE}. The load average lags by
 * seconds, so two clients started together on one machine would both see it idle; each process with
 * an engine therefore holds a lock on a file in {@code <tmpdir>/fedge-engines/} for its lifetime
 * (released by the OS when it exits, however it ends), and the others count those. A set
 * {@code OMP_WAIT_POLICY} always wins.
 */
final class OpenMp {

  /** The environment variable read by OpenMP runtimes (libgomp, libomp, Intel's). */
  static final String WAIT_POLICY = "OMP_WAIT_POLICY";

  /** Load (runnable threads, 1-minute average) that still counts as an idle machine. */
  static final double IDLE_SLACK = 0.25;

  /**
   * A wait policy and why it was chosen.
   *
   * @param policy {@code ACTIVE} or {@code PASSIVE} (or a value the user set)
   * @param reason one line, e.g. {@code "2 threads, 2 cores, load 0.10: cores to itself"}
   */
  record Choice(String policy, String reason) {}

  /** libc's {@code setenv}. */
  private interface LibC extends Library {
    int setenv(String name, String value, int overwrite);
  }

  private static volatile Choice chosen;

  private OpenMp() {}

  /**
   * The policy for {@code threads} training threads on {@code cores} usable cores under a 1-minute
   * load average {@code load} (negative: unknown): spinning only when the threads find idle cores.
   */
  static Choice choose(int threads, int cores, double load, int otherEngines) {
    String facts = threads + " thread" + (threads == 1 ? "" : "s") + ", " + cores + " core"
        + (cores == 1 ? "" : "s") + ", load " + (load < 0 ? "unknown" : String.format("%.2f", load));
    if (threads <= 1) {
      return new Choice("PASSIVE", facts + ": one thread never waits for another");
    }
    if (otherEngines > 0) {
      return new Choice("PASSIVE", facts + ", " + otherEngines + " other fedge engine"
          + (otherEngines == 1 ? "" : "s") + " on this machine: cores shared");
    }
    if (load < 0) {
      return new Choice("PASSIVE", facts + ": cores may be shared");
    }
    if (load + threads <= cores + IDLE_SLACK) {
      return new Choice("ACTIVE", facts + ": cores to itself");
    }
    return new Choice("PASSIVE", facts + ": cores shared");
  }

  /**
   * Chooses the wait policy for {@code threads} intra-op threads (0: one per core) and sets it in this
   * process's environment unless {@code OMP_WAIT_POLICY} is set; has an effect only before PyTorch is
   * loaded, and none where libc has no {@code setenv}.
   *
   * @return the choice (also kept for {@link #chosen()})
   */
  static Choice chooseWaiting(int threads) {
    String set = System.getenv(WAIT_POLICY);
    if (set != null) {
      chosen = new Choice(set, WAIT_POLICY + " set in the environment");
      return chosen;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int others = registerEngine();
    Choice c = choose(threads > 0 ? threads : cores, cores, loadAverage(), others);
    try {
      if (Native.load("c", LibC.class).setenv(WAIT_POLICY, c.policy(), 0) != 0) {
        c = new Choice("default", "setenv failed");
      }
    } catch (LinkageError | RuntimeException e) {
      c = new Choice("default", "no setenv here");
    }
    chosen = c;
    return c;
  }

  /** The choice made when the engine started, or null before. */
  static Choice chosen() {
    return chosen;
  }

  /** The lock this process holds while its engine lives (never released: the OS drops it at exit). */
  private static FileLock engineLock;

  /**
   * Marks this process as running an engine and counts the other live fedge processes that do; stale
   * files (their process gone, so nobody holds the lock) are deleted. Returns 0 where the folder
   * cannot be used.
   */
  static synchronized int registerEngine() {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "fedge-engines");
    String self = Long.toString(ProcessHandle.current().pid());
    try {
      Files.createDirectories(dir);
      if (engineLock == null) {
        FileChannel ch = FileChannel.open(dir.resolve(self), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        engineLock = ch.tryLock();
      }
      int others = 0;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          if (!f.getFileName().toString().equals(self) && heldByAnother(f)) {
            others++;
          }
        }
      }
      return others;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static boolean heldByAnother(Path f) {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      Files.deleteIfExists(f);
      return false;
    } catch (OverlappingFileLockException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** The 1-minute load average, or -1 when unknown. */
  static double loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg")).trim();
      return Double.parseDouble(s.substring(0, s.indexOf(' ')));
    } catch (Exception e) {
      return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
  }
}

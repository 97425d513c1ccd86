package dev.fedge.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory, read from {@code /proc/self/status} (Linux). */
public final class ProcessMemory {

  private ProcessMemory() {}

  /**
   * Resident set size of this process.
   *
   * @return bytes, or -1 where {@code /proc/self/status} has no {@code VmRSS} line
   */
  public static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}

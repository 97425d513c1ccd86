package dev.fedge.server.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A one-line description of the machine a cell ran on, for the report. */
final class Machine {

  private Machine() {}

  /** E.g. {@code 2 cores, Intel Xeon ..., Linux 6.1 amd64, Java 17.0.12}. */
  static String describe() {
    return String.format(
        Locale.ROOT,
        "%d cores, %s, %s %s %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        cpu(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no processor name
    }
    return "unknown processor";
  }
}

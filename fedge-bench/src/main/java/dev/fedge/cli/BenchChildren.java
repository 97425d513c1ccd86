package dev.fedge.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The child processes of {@code fedge bench server}: started with this JVM's class path, their
 * output collected line by line, waited for until they print a line, and their state folders
 * removed.
 */
final class BenchChildren {

  private BenchChildren() {}

  static Process spawn(String heap, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!heap.equals("auto")) {
      cmd.add("-Xmx" + heap);
    }
    String extra = System.getenv(args.contains("server") ? "FEDGE_BENCH_SERVER_OPTS"
        : "FEDGE_BENCH_CLIENT_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Fedge.class.getName());
    cmd.add("bench");
    cmd.add("server");
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  static Thread reader(Process p, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static List<String> snapshot(List<String> lines) {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  static List<String> tail(List<String> lines) {
    List<String> l = snapshot(lines);
    return l.subList(Math.max(0, l.size() - 30), l.size());
  }

  static void waitFor(List<String> lines, String prefix, Process p)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < until) {
      if (snapshot(lines).stream().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new ExitException(ExitException.FAILURE, "bench server did not start:\n"
        + String.join("\n", tail(lines)));
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}

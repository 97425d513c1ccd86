package dev.fedge.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A {@code fedge} command in its own JVM ({@code java -cp <test classpath> dev.fedge.cli.Fedge
 * ...}), with its merged output kept line by line (and copied to a log file for failures).
 */
final class FedgeProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private FedgeProcess(String name, Process process, Path log) throws IOException {
    this.name = name;
    this.process = process;
    PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          file.println(line);
        }
      } catch (IOException e) {
        lines.add("(output lost: " + e + ")");
      } finally {
        file.close();
      }
    }, "output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code fedge args...} in a new JVM.
   *
   * @param name for messages and the log file
   * @param logDir where {@code <name>.log} goes
   * @param args the command line after {@code fedge}
   */
  static FedgeProcess start(String name, Path logDir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Fedge.class.getName());
    cmd.addAll(List.of(args));
    return start(name, logDir, new ProcessBuilder(cmd));
  }

  /**
   * Starts a command that runs {@code fedge} some other way (e.g. under emulation).
   *
   * @param name for messages and the log file
   * @param logDir where {@code <name>.log} goes
   * @param builder the command, its environment and folder
   */
  static FedgeProcess start(String name, Path logDir, ProcessBuilder builder) throws IOException {
    Process p = builder.redirectErrorStream(true).start();
    int n = 1;
    Path log = logDir.resolve(name + ".log");
    while (Files.exists(log)) {
      log = logDir.resolve(name + "-" + (++n) + ".log");
    }
    return new FedgeProcess(name, p, log);
  }

  /** Every line so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits for a line matching the regular expression (anywhere in the line) and returns it. */
  String awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long until = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    do {
      List<String> now = lines();
      for (int i = seen; i < now.size(); i++) {
        if (p.matcher(now.get(i)).find()) {
          return now.get(i);
        }
      }
      seen = now.size();
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < until);
    throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout
        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output:\n"
        + tail());
  }

  /** Whether some line so far matches. */
  boolean hasLine(String regex) {
    Pattern p = Pattern.compile(regex);
    return lines().stream().anyMatch(l -> p.matcher(l).find());
  }

  /** Waits for the process to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + "; output:\n" + tail());
    }
    reader.join(5000);
    return process.exitValue();
  }

  /** {@code kill -9}. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The last lines of output, for failure messages. */
  String tail() {
    List<String> l = lines();
    return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}

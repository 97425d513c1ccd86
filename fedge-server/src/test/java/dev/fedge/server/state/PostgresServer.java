package dev.fedge.server.state;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests: Debian's {@code postgresql} package's {@code initdb} into a
 * temporary folder (run as {@code nobody} when the tests run as root, which initdb refuses), then
 * {@code pg_ctl start} on a free loopback port with its socket in that folder. Each {@link
 * #newDatabase} is a fresh, empty database. Tests that need it are skipped, with a message, where
 * PostgreSQL is not installed ({@code apt-get install postgresql}); CI installs it.
 */
public final class PostgresServer implements AutoCloseable {

  private static final String USER = "fedge";
  private final Path dir;
  private final Path bin;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path dir, Path bin, int port) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
  }

  /** The newest installed PostgreSQL's {@code bin} folder, if any. */
  static Optional<Path> installed() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> Integer.parseInt(
              b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts a server, or skips the calling test when PostgreSQL is not installed.
   *
   * @return the running server
   * @throws Exception when it is installed but does not start
   */
  public static PostgresServer start() throws Exception {
    Optional<Path> bin = installed();
    Assumptions.assumeTrue(bin.isPresent(),
        "PostgreSQL is not installed (apt-get install postgresql): skipping its tests");
    Path dir = Files.createTempDirectory("fedge-pg");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresServer pg = new PostgresServer(dir, bin.get(), port);
    pg.run(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
        "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"));
    pg.run(List.of(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
        "-l", dir.resolve("log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dir + " -h 127.0.0.1 -F", "start"));
    return pg;
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    cmd.addAll(command);
    Path out = dir.resolve("command.out");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
          + Files.readString(out));
    }
  }

  /**
   * Creates an empty database.
   *
   * @return where it is, as {@code --state-db} would name it
   * @throws Exception when the server refuses
   */
  public StateDb newDatabase() throws Exception {
    String name = "fedge_test_" + databases.incrementAndGet();
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return StateDb.parse("postgresql://" + USER + "@127.0.0.1:" + port + "/" + name);
  }

  @Override
  public void close() throws Exception {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-m", "immediate", "-w", "stop"));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}

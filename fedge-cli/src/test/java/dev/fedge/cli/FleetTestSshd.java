package dev.fedge.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;

/**
 * For the {@code fedge fleet} command tests: a real OpenSSH server ({@code /usr/sbin/sshd -D -e})
 * on a free 127.0.0.1 port with its own host key and an authorized user key made with {@code
 * ssh-keygen}, an inventory and a known_hosts file for it, and an in-process CLI runner. Tests
 * skip when {@code /usr/sbin/sshd} is absent.
 */
final class FleetTestSshd implements AutoCloseable {

  static final Path SSHD = Path.of("/usr/sbin/sshd");
  static final Path KEYGEN = Path.of("/usr/bin/ssh-keygen");

  /** What a CLI run printed. */
  record Result(int code, String out, String err) {}

  final Path dir;
  final int port;
  final Path userKey;
  final Path hostKeyPub;
  final Path knownHosts;
  private final Process process;
  private final StringBuffer log = new StringBuffer();

  private FleetTestSshd(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    userKey = dir.resolve("id_ed25519");
    keygen(hostKey);
    keygen(userKey);
    hostKeyPub = Path.of(hostKey + ".pub");
    Files.copy(Path.of(userKey + ".pub"), dir.resolve("authorized_keys"));
    port = freePort();
    Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "StrictModes no",
        "UsePAM no",
        "PermitRootLogin yes",
        "PidFile " + dir.resolve("sshd.pid"),
        "Subsystem sftp internal-sftp",
        "MaxStartups 100",
        ""));
    Path privsep = Path.of("/run/sshd"); // made by the service at boot; sshd refuses without it
    if (!Files.isDirectory(privsep) && "root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(privsep);
    }
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          log.append(line).append('\n');
          if (line.contains("Server listening on")) {
            listening.countDown();
          }
        }
      } catch (IOException e) {
        // ended
      }
    }, "sshd-log");
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(20, TimeUnit.SECONDS) || !process.isAlive()) {
      process.destroyForcibly();
      throw new IllegalStateException("sshd did not start: " + log);
    }
    knownHosts = Files.writeString(dir.resolve("known_hosts"), knownHostsLine(hostKeyPub) + "\n");
  }

  /** Starts a server in a folder; skips the test when sshd is not installed. */
  static FleetTestSshd start(Path dir) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(SSHD),
        "/usr/sbin/sshd is not installed (apt-get install openssh-server): skipping the tests"
            + " against a real OpenSSH server");
    return new FleetTestSshd(Files.createDirectories(dir));
  }

  /**
   * Writes an inventory: group {@code edge} with host {@code good} (this server) and group {@code
   * down} with host {@code dead} (a closed port), user and key in {@code [all:vars]}.
   */
  Path inventory() throws IOException {
    return Files.writeString(dir.resolve("hosts.ini"), String.join("\n",
        "[edge]",
        "  good ansible_host=127.0.0.1  ansible_port=" + port + " comment=\"loopback, sshd\"",
        "",
        "[down]",
        "  ;commented ansible_host=127.0.0.1",
        "  dead ansible_host=127.0.0.1  ansible_port=" + freePort(),
        "",
        "[all:vars]",
        "ansible_user=" + System.getProperty("user.name"),
        "ansible_ssh_private_key_file=" + userKey,
        ""));
  }

  /** A known_hosts line for this server's address with the public key of a file. */
  String knownHostsLine(Path pub) throws IOException {
    String[] parts = Files.readString(pub).trim().split("\\s+");
    return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1];
  }

  /** Runs {@code fedge ARGS} in this process. */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fedge.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Makes an ed25519 key pair with ssh-keygen (no passphrase). */
  static void keygen(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C",
        "fedge-test", "-f", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  /** A port nobody listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A stand-in for fedge.jar that prints "fake client ARGS" and sleeps. */
  static Path sleeperJar(Path jar) throws IOException {
    Path src = Files.createTempDirectory("sleeper");
    Path java = Files.writeString(src.resolve("Sleeper.java"), String.join("\n",
        "public class Sleeper {",
        "  public static void main(String[] args) throws Exception {",
        "    System.out.println(\"fake client \" + String.join(\" \", args));",
        "    System.out.flush();",
        "    Thread.sleep(300_000);",
        "  }",
        "}"));
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
        src.toString(), java.toString()) != 0) {
      throw new IOException("could not compile " + java);
    }
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Sleeper");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(out, mf)) {
      jos.putNextEntry(new JarEntry("Sleeper.class"));
      jos.write(Files.readAllBytes(src.resolve("Sleeper.class")));
      jos.closeEntry();
    }
    return jar;
  }

  /** Kills a client a failed test left running, by its pid file. */
  static void killFromPidFile(Path pidFile) throws IOException {
    if (Files.exists(pidFile)) {
      String pid = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

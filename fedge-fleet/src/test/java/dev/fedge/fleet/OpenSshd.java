package dev.fedge.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd -D -e}) on a free 127.0.0.1 port, with its own
 * host keys (ed25519 and ecdsa) and an authorized ed25519 user key, all made with {@code
 * ssh-keygen} in a temporary folder. Tests skip when {@code /usr/sbin/sshd} is absent.
 */
final class OpenSshd implements AutoCloseable {

  static final Path SSHD = Path.of("/usr/sbin/sshd");
  static final Path KEYGEN = Path.of("/usr/bin/ssh-keygen");

  final Path dir;
  final int port;
  final Path userKey;
  final Path hostKeyEd25519Pub;
  final Path hostKeyEcdsaPub;
  private final Process process;
  private final StringBuffer log = new StringBuffer();

  /** Skips the calling test unless sshd is installed. */
  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(SSHD),
        "/usr/sbin/sshd is not installed (apt-get install openssh-server): skipping the tests"
            + " against a real OpenSSH server");
  }

  private OpenSshd(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    Path hostEd = dir.resolve("ssh_host_ed25519_key");
    Path hostEc = dir.resolve("ssh_host_ecdsa_key");
    userKey = dir.resolve("id_ed25519");
    keygen("ed25519", hostEd);
    keygen("ecdsa", hostEc);
    keygen("ed25519", userKey);
    hostKeyEd25519Pub = Path.of(hostEd + ".pub");
    hostKeyEcdsaPub = Path.of(hostEc + ".pub");
    Files.copy(Path.of(userKey + ".pub"), dir.resolve("authorized_keys"));
    port = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostEd,
        "HostKey " + hostEc,
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
        "MaxSessions 100",
        "LogLevel VERBOSE",
        ""));
    // sshd needs its privilege separation folder, which the service would create at boot
    Path privsep = Path.of("/run/sshd");
    if (!Files.isDirectory(privsep) && "root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(privsep);
    }
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true)
        .start();
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
        // process ended
      }
    }, "sshd-log");
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(20, TimeUnit.SECONDS) || !process.isAlive()) {
      process.destroyForcibly();
      throw new IllegalStateException("sshd did not start: " + log);
    }
  }

  /** Starts a server in a folder. */
  static OpenSshd start(Path dir) throws IOException, InterruptedException {
    assumeInstalled();
    return new OpenSshd(dir);
  }

  /** The login user: whoever runs the tests. */
  static String user() {
    return System.getProperty("user.name");
  }

  /** The server's log so far. */
  String log() {
    return log.toString();
  }

  /** A host pointing at this server with the test's key. */
  Host host(String name) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("ansible_host", "127.0.0.1");
    vars.put("ansible_port", Integer.toString(port));
    vars.put("ansible_user", user());
    vars.put("ansible_ssh_private_key_file", userKey.toString());
    return Host.of(name, vars);
  }

  /** A known_hosts line with the server's ed25519 host key. */
  String knownHostsLine() throws IOException {
    return knownHostsLine(hostKeyEd25519Pub);
  }

  /** A known_hosts line for this server's address with the public key of a file. */
  String knownHostsLine(Path pub) throws IOException {
    String[] parts = Files.readString(pub).trim().split("\\s+");
    return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1];
  }

  /** Makes a key pair with ssh-keygen (no passphrase). */
  static void keygen(String type, Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(KEYGEN.toString(), "-q", "-t", type, "-N", "", "-C", "fedge-test",
        "-f", file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  /** A port nobody listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Lines of a file, or none. */
  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

package dev.fedge.fleet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd -D -e}) on a free 127.0.0.1 port, with its own
 * host keys (ed25519 and ecdsa by default) and an authorized ed25519 user key, all made with {@code
 * ssh-keygen} in a folder. Tests skip when {@code /usr/sbin/sshd} is absent.
 *
 * <p>Shared with other modules' tests through fedge-fleet's test-jar ({@code
 * <type>test-jar</type>}).
 */
public final class OpenSshd implements AutoCloseable {

  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Path KEYGEN = Path.of("/usr/bin/ssh-keygen");

  private final Path dir;
  private final int port;
  private final Path userKey;
  private final List<String> hostKeyTypes;
  private final Process process;
  private final StringBuffer log = new StringBuffer();

  /** Skips the calling test unless sshd is installed. */
  public static void assumeInstalled() {
    assumeTrue(Files.isExecutable(SSHD),
        "/usr/sbin/sshd is not installed (apt-get install openssh-server): skipping the tests"
            + " against a real OpenSSH server");
  }

  private OpenSshd(Path dir, List<String> hostKeyTypes) throws IOException, InterruptedException {
    this.dir = dir;
    this.hostKeyTypes = List.copyOf(hostKeyTypes);
    List<String> hostKeyLines = new ArrayList<>();
    for (String type : this.hostKeyTypes) {
      Path key = hostKey(type);
      keygen(type, key);
      hostKeyLines.add("HostKey " + key);
    }
    userKey = dir.resolve("id_ed25519");
    keygen("ed25519", userKey);
    Files.copy(Path.of(userKey + ".pub"), dir.resolve("authorized_keys"));
    port = freePort();
    List<String> config = new ArrayList<>(List.of("Port " + port, "ListenAddress 127.0.0.1"));
    config.addAll(hostKeyLines);
    config.addAll(List.of(
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
    Path configFile = Files.writeString(dir.resolve("sshd_config"), String.join("\n", config));
    // sshd needs its privilege separation folder, which the service would create at boot
    Path privsep = Path.of("/run/sshd");
    if (!Files.isDirectory(privsep) && "root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(privsep);
    }
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", configFile.toString())
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

  /**
   * Starts a server in a folder (made if absent) with ed25519 and ecdsa host keys; skips the test
   * when sshd is not installed.
   *
   * @param dir folder for the keys, configuration and pid file
   * @return the running server
   * @throws IOException if a key or the configuration cannot be written
   * @throws InterruptedException if interrupted while waiting for the server
   */
  public static OpenSshd start(Path dir) throws IOException, InterruptedException {
    return start(dir, List.of("ed25519", "ecdsa"));
  }

  /**
   * Starts a server in a folder (made if absent) with host keys of the given types; skips the test
   * when sshd is not installed.
   *
   * @param dir folder for the keys, configuration and pid file
   * @param hostKeyTypes ssh-keygen key types, e.g. {@code ed25519}, {@code ecdsa}; at least one
   * @return the running server
   * @throws IOException if a key or the configuration cannot be written
   * @throws InterruptedException if interrupted while waiting for the server
   */
  public static OpenSshd start(Path dir, List<String> hostKeyTypes)
      throws IOException, InterruptedException {
    if (hostKeyTypes.isEmpty()) {
      throw new IllegalArgumentException("hostKeyTypes: need at least one, got none");
    }
    assumeInstalled();
    return new OpenSshd(Files.createDirectories(dir), hostKeyTypes);
  }

  /**
   * The login user: whoever runs the tests.
   *
   * @return the user name
   */
  public static String user() {
    return System.getProperty("user.name");
  }

  /**
   * The port the server listens on (127.0.0.1).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The private key the server accepts for {@link #user()}.
   *
   * @return the ed25519 private key file
   */
  public Path userKey() {
    return userKey;
  }

  /**
   * The public host key file of a type the server was started with.
   *
   * @param type a host key type, e.g. {@code ed25519}
   * @return its {@code .pub} file
   */
  public Path hostKeyPub(String type) {
    if (!hostKeyTypes.contains(type)) {
      throw new IllegalArgumentException(
          "type: the server has host keys " + hostKeyTypes + ", not '" + type + "'");
    }
    return Path.of(hostKey(type) + ".pub");
  }

  /**
   * The server's log so far.
   *
   * @return sshd's output
   */
  public String log() {
    return log.toString();
  }

  /**
   * A host pointing at this server with the test's key.
   *
   * @param name the host's inventory name
   * @return the host
   */
  public Host host(String name) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("ansible_host", "127.0.0.1");
    vars.put("ansible_port", Integer.toString(port));
    vars.put("ansible_user", user());
    vars.put("ansible_ssh_private_key_file", userKey.toString());
    return Host.of(name, vars);
  }

  /**
   * A known_hosts line with the server's first host key (ed25519 by default).
   *
   * @return the line, without a newline
   * @throws IOException if the key cannot be read
   */
  public String knownHostsLine() throws IOException {
    return knownHostsLine(hostKeyPub(hostKeyTypes.get(0)));
  }

  /**
   * A known_hosts line for this server's address with the public key of a file.
   *
   * @param pub an OpenSSH {@code .pub} file
   * @return the line, without a newline
   * @throws IOException if the key cannot be read
   */
  public String knownHostsLine(Path pub) throws IOException {
    String[] parts = Files.readString(pub).trim().split("\\s+");
    return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1];
  }

  /**
   * Makes a key pair with ssh-keygen (no passphrase).
   *
   * @param type the key type, e.g. {@code ed25519}
   * @param file the private key file; the public key goes to {@code file.pub}
   * @throws IOException if ssh-keygen fails
   * @throws InterruptedException if interrupted while waiting for it
   */
  public static void keygen(String type, Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(KEYGEN.toString(), "-q", "-t", type, "-N", "", "-C",
        "fedge-test", "-f", file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  /**
   * A port nobody listens on now.
   *
   * @return a free loopback port
   * @throws IOException if no socket can be opened
   */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Lines of a file, or none.
   *
   * @param file a text file, possibly absent
   * @return its lines, or an empty list when it does not exist
   * @throws IOException if it cannot be read
   */
  public static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private Path hostKey(String type) {
    return dir.resolve("ssh_host_" + type + "_key");
  }

  /** Stops the server. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

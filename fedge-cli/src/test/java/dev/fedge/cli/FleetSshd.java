package dev.fedge.cli;

import dev.fedge.fleet.OpenSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension for the {@code fedge fleet} command tests: a real OpenSSH server ({@link
 * OpenSshd}, from fedge-fleet's test-jar, with one ed25519 host key) started before the test class
 * and stopped after it, with an inventory and a known_hosts file for it, and a runner for {@code
 * fedge fleet} commands against them. The class is skipped when {@code /usr/sbin/sshd} is absent.
 *
 * <pre>{@code
 * @RegisterExtension static final FleetSshd sshd = new FleetSshd();
 * }</pre>
 */
final class FleetSshd implements BeforeAllCallback, AfterAllCallback {

  private Path dir;
  private OpenSshd server;
  private Path inventory;
  private Path knownHosts;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    OpenSshd.assumeInstalled();
    dir = Files.createTempDirectory("fedge-fleet-sshd");
    // one host key, so that a client with no known key can only be offered ed25519
    server = OpenSshd.start(dir.resolve("sshd"), List.of("ed25519"));
    knownHosts = Files.writeString(dir.resolve("known_hosts"), server.knownHostsLine() + "\n");
    inventory = Files.writeString(dir.resolve("hosts.ini"), String.join("\n",
        "[edge]",
        "  good ansible_host=127.0.0.1  ansible_port=" + server.port()
            + " comment=\"loopback, sshd\"",
        "",
        "[down]",
        "  ;commented ansible_host=127.0.0.1",
        "  dead ansible_host=127.0.0.1  ansible_port=" + OpenSshd.freePort(),
        "",
        "[all:vars]",
        "ansible_user=" + OpenSshd.user(),
        "ansible_ssh_private_key_file=" + server.userKey(),
        ""));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /**
   * Runs {@code fedge fleet COMMAND -i INVENTORY --known-hosts KNOWN_HOSTS ARGS} in this process.
   *
   * @param command the fleet subcommand, e.g. {@code ping}
   * @param args more options and arguments
   * @return its exit code and output
   */
  CliRun fleet(String command, String... args) {
    List<String> all = new ArrayList<>(List.of("fleet", command, "-i", inventory.toString(),
        "--known-hosts", knownHosts.toString()));
    all.addAll(List.of(args));
    return CliRun.of(all.toArray(String[]::new));
  }

  /**
   * An inventory: group {@code edge} with host {@code good} (this server) and group {@code down}
   * with host {@code dead} (a closed port), user and key in {@code [all:vars]}.
   */
  Path inventory() {
    return inventory;
  }

  /** A known_hosts file with the server's host key. */
  Path knownHosts() {
    return knownHosts;
  }

  /** The server's port on 127.0.0.1. */
  int port() {
    return server.port();
  }

  /** A known_hosts line for the server's address with the server's own host key. */
  String knownHostsLine() throws IOException {
    return server.knownHostsLine();
  }

  /** A known_hosts line for the server's address with the public key of a file. */
  String knownHostsLine(Path pub) throws IOException {
    return server.knownHostsLine(pub);
  }
}

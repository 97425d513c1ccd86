package dev.fedge.fleet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach hosts over SSH.
 *
 * @param knownHosts the OpenSSH known_hosts file host keys are checked against
 * @param acceptNewHostKeys whether an unknown host key is accepted and recorded in {@code
 *     knownHosts} (a changed key is always refused)
 * @param connectTimeout bound on connecting, key exchange and authentication
 * @param commandTimeout bound on each remote command
 * @param identities private key files to offer when a host has no {@code
 *     ansible_ssh_private_key_file}; empty means the usual {@code ~/.ssh/id_ed25519}, {@code
 *     id_rsa} and {@code id_ecdsa} that exist
 * @param defaultUser the login user when a host has no {@code ansible_user}
 * @param forks how many hosts are worked on at once
 */
public record SshOptions(
    Path knownHosts,
    boolean acceptNewHostKeys,
    Duration connectTimeout,
    Duration commandTimeout,
    List<Path> identities,
    String defaultUser,
    int forks) {

  /** Checks the values and copies the list. */
  public SshOptions {
    Objects.requireNonNull(knownHosts, "knownHosts");
    checkPositive("connectTimeout", connectTimeout);
    checkPositive("commandTimeout", commandTimeout);
    identities = List.copyOf(identities);
    Objects.requireNonNull(defaultUser, "defaultUser");
    if (defaultUser.isBlank()) {
      throw new IllegalArgumentException("defaultUser must not be blank");
    }
    if (forks < 1) {
      throw new IllegalArgumentException("forks must be at least 1, got " + forks);
    }
  }

  /**
   * Defaults like {@code ssh}'s: {@code ~/.ssh/known_hosts}, new keys refused, 10 s to connect,
   * 60 s per command, the usual key files, the current user, 10 hosts at once.
   */
  public static SshOptions defaults() {
    return new SshOptions(
        home().resolve(".ssh").resolve("known_hosts"),
        false,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        List.of(),
        System.getProperty("user.name", "root"),
        10);
  }

  /** These options with another known_hosts file. */
  public SshOptions withKnownHosts(Path file, boolean acceptNew) {
    return new SshOptions(file, acceptNew, connectTimeout, commandTimeout, identities,
        defaultUser, forks);
  }

  /** These options with other timeouts. */
  public SshOptions withTimeouts(Duration connect, Duration command) {
    return new SshOptions(knownHosts, acceptNewHostKeys, connect, command, identities,
        defaultUser, forks);
  }

  /** These options with other identity files (empty: the defaults). */
  public SshOptions withIdentities(List<Path> files) {
    return new SshOptions(knownHosts, acceptNewHostKeys, connectTimeout, commandTimeout, files,
        defaultUser, forks);
  }

  /** These options with another default user. */
  public SshOptions withDefaultUser(String user) {
    return new SshOptions(knownHosts, acceptNewHostKeys, connectTimeout, commandTimeout,
        identities, user, forks);
  }

  /** These options with another number of hosts worked on at once. */
  public SshOptions withForks(int n) {
    return new SshOptions(knownHosts, acceptNewHostKeys, connectTimeout, commandTimeout,
        identities, defaultUser, n);
  }

  /**
   * The key files to offer a host: its {@code ansible_ssh_private_key_file} if set, else {@link
   * #identities()}, else those of {@code ~/.ssh/id_ed25519}, {@code id_rsa}, {@code id_ecdsa} that
   * exist.
   */
  public List<Path> identitiesFor(Host host) {
    if (host.privateKeyFile().isPresent()) {
      return List.of(expandHome(host.privateKeyFile().get()));
    }
    if (!identities.isEmpty()) {
      return identities;
    }
    Path ssh = home().resolve(".ssh");
    return List.of("id_ed25519", "id_rsa", "id_ecdsa").stream()
        .map(ssh::resolve)
        .filter(Files::isRegularFile)
        .toList();
  }

  /** Expands a leading {@code ~/} to the user's home directory. */
  public static Path expandHome(String path) {
    if (path.equals("~")) {
      return home();
    }
    if (path.startsWith("~/")) {
      return home().resolve(path.substring(2));
    }
    return Path.of(path);
  }

  private static Path home() {
    return Path.of(System.getProperty("user.home"));
  }

  private static void checkPositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}

package dev.fedge.cli;

import dev.fedge.fleet.Fleet;
import dev.fedge.fleet.Host;
import dev.fedge.fleet.HostTask;
import dev.fedge.fleet.Inventory;
import dev.fedge.fleet.Outcome;
import dev.fedge.fleet.RemoteDir;
import dev.fedge.fleet.SshOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options and helpers shared by the {@code fedge fleet} subcommands: the inventory and {@code
 * --limit}, how to reach hosts over SSH, and the exit code from the hosts' results (1 when a host
 * failed, 3 when one was unreachable, else 0).
 */
public abstract class FleetBaseCommand extends BaseCommand {

  @Option(names = {"-i", "--inventory"}, required = true, paramLabel = "FILE",
      description = "Ansible inventory file (INI format).")
  Path inventory;

  @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN",
      description = "Hosts or groups as Ansible's --limit: names, globs, comma list,"
          + " !exclude, &intersect (e.g. rpi,jetson,!rpi6405).")
  String limit;

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "OpenSSH known_hosts file host keys are checked against"
          + " (default: ~/.ssh/known_hosts).")
  Path knownHosts;

  @Option(names = "--accept-new-host-keys",
      description = "Accept the key of a host that is not in known_hosts and record it there"
          + " (a changed key is always refused).")
  boolean acceptNewHostKeys;

  @Option(names = {"-T", "--timeout"}, paramLabel = "SECONDS", defaultValue = "10",
      description = "Connection and login timeout (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--command-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Timeout of each remote command (default: ${DEFAULT-VALUE}).")
  int commandTimeoutSeconds;

  @Option(names = {"-u", "--user"}, paramLabel = "USER",
      description = "Login user of hosts without ansible_user (default: the current user).")
  String user;

  @Option(names = "--private-key", paramLabel = "FILE",
      description = "Private key of hosts without ansible_ssh_private_key_file; repeatable"
          + " (default: ~/.ssh/id_ed25519, id_rsa, id_ecdsa).")
  List<Path> privateKeys = new ArrayList<>();

  @Option(names = {"-f", "--forks"}, paramLabel = "N", defaultValue = "10",
      description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
  int forks;

  /** The host pattern to select; {@code --limit} unless a subcommand takes hosts otherwise. */
  protected String hostPattern() {
    return limit;
  }

  /**
   * The selected hosts of the inventory.
   *
   * @throws ExitException {@code INVALID_INPUT} when the inventory lists no host
   */
  protected List<Host> hosts() throws IOException {
    Inventory inv = Inventory.read(inventory);
    if (inv.select(null).isEmpty()) {
      throw new ExitException(ExitException.INVALID_INPUT, "inventory " + inventory + " has no hosts");
    }
    return inv.select(hostPattern());
  }

  /** The SSH options from the command line. */
  protected SshOptions sshOptions() {
    positive("--timeout", timeoutSeconds);
    positive("--command-timeout", commandTimeoutSeconds);
    positive("--forks", forks);
    SshOptions o = SshOptions.defaults();
    if (knownHosts != null) {
      o = o.withKnownHosts(knownHosts, acceptNewHostKeys);
    } else {
      o = o.withKnownHosts(o.knownHosts(), acceptNewHostKeys);
    }
    o = o.withTimeouts(Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(commandTimeoutSeconds))
        .withIdentities(privateKeys)
        .withForks(forks);
    if (user != null) {
      o = o.withDefaultUser(user);
    }
    return o;
  }

  /**
   * Runs a task on the selected hosts in parallel; notes about recorded host keys go to standard
   * error.
   */
  protected <T> List<Outcome<T>> runOnHosts(HostTask<T> task) throws IOException {
    List<Host> hosts = hosts();
    List<Outcome<T>> outcomes;
    try (Fleet fleet = new Fleet(sshOptions())) {
      outcomes = fleet.run(hosts, task);
    }
    for (Outcome<T> o : outcomes) {
      if (o.ok() && !o.message().isEmpty()) {
        err().println(o.host().name() + ": " + o.message());
      }
    }
    return outcomes;
  }

  /** The {@code --remote-dir} value as a {@link RemoteDir}, with the option named on error. */
  protected static RemoteDir remoteDir(String path) {
    try {
      return new RemoteDir(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--remote-dir: " + e.getMessage());
    }
  }

  /**
   * Ends the command: 0 when every host succeeded, else an {@link ExitException} with a one-line
   * count (code 1 when a host failed, 3 when hosts were only unreachable).
   *
   * @param total hosts worked on
   * @param failed hosts whose task failed
   * @param unreachable hosts that could not be reached
   */
  protected static int finish(int total, int failed, int unreachable) {
    if (failed == 0 && unreachable == 0) {
      return 0;
    }
    StringBuilder msg = new StringBuilder();
    if (failed > 0) {
      msg.append(failed).append(" of ").append(total).append(total == 1 ? " host" : " hosts")
          .append(" failed");
    }
    if (unreachable > 0) {
      msg.append(msg.length() > 0 ? ", " : "").append(unreachable).append(" of ").append(total)
          .append(total == 1 ? " host" : " hosts").append(" unreachable");
    }
    throw new ExitException(failed > 0 ? ExitException.FAILURE : ExitException.UNAVAILABLE,
        msg.toString());
  }

  /** {@link #finish(int, int, int)} counting failed and unreachable outcomes. */
  protected static int finish(List<? extends Outcome<?>> outcomes) {
    int failed = 0;
    int unreachable = 0;
    for (Outcome<?> o : outcomes) {
      if (o.state() == Outcome.State.FAILED) {
        failed++;
      } else if (o.state() == Outcome.State.UNREACHABLE) {
        unreachable++;
      }
    }
    return finish(outcomes.size(), failed, unreachable);
  }

  private static void positive(String option, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + value);
    }
  }
}

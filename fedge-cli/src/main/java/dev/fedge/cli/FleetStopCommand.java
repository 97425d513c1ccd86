package dev.fedge.cli;

import dev.fedge.fleet.ClientState;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge fleet stop}: stops the edge client on every host. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop the edge client on every host: kill by its pid file, kill -9 after the"
        + " grace period.")
public final class FleetStopCommand extends FleetBaseCommand {

  @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
      description = "How long to wait after kill before kill -9 (default: ${DEFAULT-VALUE}).")
  int graceSeconds;

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = "~/fedge",
      description = "Folder on the hosts where fedge was deployed (default: ${DEFAULT-VALUE}).")
  String remoteDir;

  @Override
  protected int doCall() throws Exception {
    if (graceSeconds < 0) {
      throw new IllegalArgumentException("--grace must not be negative, got " + graceSeconds);
    }
    List<Outcome<ClientState>> outcomes =
        runOnHosts(FleetTasks.stop(remoteDir(remoteDir), graceSeconds));
    FleetStatusCommand.print(out(), outcomes);
    return finish(outcomes);
  }
}

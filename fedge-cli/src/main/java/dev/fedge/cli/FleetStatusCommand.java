package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.ClientState;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge fleet status}: whether the edge client runs on every host. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Tell whether the edge client runs on every host (running with its pid,"
        + " stopped, or not-deployed).")
public final class FleetStatusCommand extends FleetBaseCommand {

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = "~/fedge",
      description = "Folder on the hosts where fedge was deployed (default: ${DEFAULT-VALUE}).")
  String remoteDir;

  @Override
  protected int doCall() throws Exception {
    List<Outcome<ClientState>> outcomes = runOnHosts(FleetTasks.status(remoteDir(remoteDir)));
    print(out(), outcomes);
    return finish(outcomes);
  }

  /** One line per host: {@code host | CHANGED => {"state": "running", "pid": 4242}}. */
  static void print(PrintWriter out, List<Outcome<ClientState>> outcomes) {
    for (Outcome<ClientState> o : outcomes) {
      if (!o.ok()) {
        out.println(AnsibleFormat.failure(o));
      } else if (o.value().changed()) {
        out.println(AnsibleFormat.changed(o.host().name(), o.value().toMap()));
      } else {
        out.println(AnsibleFormat.success(o.host().name(), o.value().toMap()));
      }
    }
    out.flush();
  }
}

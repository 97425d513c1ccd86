package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.CommandResult;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedge fleet logs HOST}: the last lines of the edge client's log. */
@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Show the last lines of the edge client's log (fedge.log in the remote folder).")
public final class FleetLogsCommand extends FleetBaseCommand {

  @Parameters(index = "0", paramLabel = "HOST",
      description = "A host or group name, or a pattern as for --limit.")
  String host;

  @Option(names = "-n", paramLabel = "LINES", defaultValue = "50",
      description = "How many lines (default: ${DEFAULT-VALUE}).")
  int lines;

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = "~/fedge",
      description = "Folder on the hosts where fedge was deployed (default: ${DEFAULT-VALUE}).")
  String remoteDir;

  @Override
  protected String hostPattern() {
    if (limit != null) {
      throw new IllegalArgumentException("logs takes the hosts as its HOST argument, not --limit");
    }
    return host;
  }

  @Override
  protected int doCall() throws Exception {
    if (lines < 1) {
      throw new IllegalArgumentException("-n must be at least 1, got " + lines);
    }
    List<Outcome<CommandResult>> outcomes =
        runOnHosts(FleetTasks.logs(remoteDir(remoteDir), lines));
    int failed = 0;
    int unreachable = 0;
    for (Outcome<CommandResult> o : outcomes) {
      if (o.ok()) {
        out().println(AnsibleFormat.output(o.host().name(),
            o.value().ok() ? "SUCCESS" : "FAILED", o.value()));
        failed += o.value().ok() ? 0 : 1;
      } else {
        out().println(AnsibleFormat.failure(o));
        failed += o.state() == Outcome.State.FAILED ? 1 : 0;
        unreachable += o.state() == Outcome.State.UNREACHABLE ? 1 : 0;
      }
    }
    out().flush();
    return finish(outcomes.size(), failed, unreachable);
  }
}

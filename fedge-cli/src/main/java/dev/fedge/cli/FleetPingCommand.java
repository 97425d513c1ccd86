package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code fedge fleet ping}: checks that every host answers over SSH. */
@Command(name = "ping", mixinStandardHelpOptions = true,
    description = "Connect to every host in parallel and check that it answers.")
public final class FleetPingCommand extends FleetBaseCommand {

  @Override
  protected int doCall() throws Exception {
    List<Outcome<String>> outcomes = runOnHosts(FleetTasks.ping());
    for (Outcome<String> o : outcomes) {
      out().println(o.ok()
          ? AnsibleFormat.success(o.host().name(), Map.of("ping", o.value()))
          : AnsibleFormat.failure(o));
    }
    out().flush();
    return finish(outcomes);
  }
}

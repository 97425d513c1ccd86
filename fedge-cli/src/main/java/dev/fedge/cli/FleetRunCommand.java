package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.CommandResult;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedge fleet run -- COMMAND}: an ad-hoc shell command on every host. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a shell command on every host (like ansible -m shell); the exit code is"
        + " non-zero when it fails anywhere.")
public final class FleetRunCommand extends FleetBaseCommand {

  @Parameters(arity = "1..*", paramLabel = "COMMAND",
      description = "The command line, after --, run with sh -c on each host.")
  List<String> command;

  @Override
  protected int doCall() throws Exception {
    String line = String.join(" ", command);
    if (line.isBlank()) {
      throw new IllegalArgumentException("COMMAND must not be blank");
    }
    List<Outcome<CommandResult>> outcomes = runOnHosts(FleetTasks.shell(line));
    int failed = 0;
    int unreachable = 0;
    for (Outcome<CommandResult> o : outcomes) {
      if (o.ok()) {
        out().println(AnsibleFormat.shell(o.host().name(), o.value()));
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

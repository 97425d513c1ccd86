package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge simulate}: a whole federation in one process. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run a whole federation in one process, reproducible by seed.")
public final class SimulateCommand extends BaseCommand {
  @Override
  protected int doCall() {
    throw new ExitException(ExitException.FAILURE, "simulate is being built");
  }
}

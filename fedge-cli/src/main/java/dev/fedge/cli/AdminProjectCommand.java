package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge admin project}: create and list projects. */
@Command(name = "project", mixinStandardHelpOptions = true,
    description = "Create and list projects.",
    subcommands = {AdminProjectCreateCommand.class, AdminProjectListCommand.class})
public final class AdminProjectCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

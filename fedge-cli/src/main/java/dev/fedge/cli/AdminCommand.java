package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge admin}: projects and their tokens on a running server, with the admin token. */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Manage a running server's projects and tokens (with its API token).",
    subcommands = {AdminProjectCommand.class, AdminTokenCommand.class,
        AdminEnrollTokenCommand.class})
public final class AdminCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

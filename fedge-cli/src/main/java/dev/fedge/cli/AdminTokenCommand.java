package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge admin token}: issue and revoke project tokens. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Issue and revoke project tokens.",
    subcommands = {AdminTokenCreateCommand.class, AdminTokenRevokeCommand.class})
public final class AdminTokenCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

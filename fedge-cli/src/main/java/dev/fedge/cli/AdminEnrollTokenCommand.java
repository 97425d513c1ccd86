package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge admin enroll-token}: issue and revoke a project's device enroll tokens. */
@Command(name = "enroll-token", mixinStandardHelpOptions = true,
    description = "Issue and revoke device enroll tokens: a device started with"
        + " 'fedge client --enroll-token T' joins T's project.",
    subcommands = {AdminEnrollTokenCreateCommand.class, AdminEnrollTokenRevokeCommand.class})
public final class AdminEnrollTokenCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge client}: run an edge client. */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Run an edge client.", subcommands = {})
public final class ClientCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

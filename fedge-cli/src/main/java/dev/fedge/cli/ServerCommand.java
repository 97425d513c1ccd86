package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge server}: run the federation server. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the federation server.", subcommands = {})
public final class ServerCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge data}: locate, download and inspect data sets. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Locate, download and inspect data sets.",
    subcommands = {DataFetchCommand.class, DataInfoCommand.class, DataPartitionCommand.class})
public final class DataCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge bench}: benchmarks and studies. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks and studies.",
    subcommands = {BenchAggregateCommand.class, BenchTrainCommand.class, BenchAccuracyCommand.class,
      BenchServerCommand.class, BenchHeterogeneityCommand.class})
public final class BenchCommand implements Runnable, Subcommand {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

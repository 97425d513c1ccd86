package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge fleet}: manage edge devices over SSH from an Ansible inventory. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Manage edge devices over SSH from an Ansible inventory.", subcommands = {
      FleetPingCommand.class,
      FleetFactsCommand.class,
      FleetRunCommand.class,
      FleetDeployCommand.class,
      FleetStartCommand.class,
      FleetStopCommand.class,
      FleetStatusCommand.class,
      FleetLogsCommand.class
    })
public final class FleetCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

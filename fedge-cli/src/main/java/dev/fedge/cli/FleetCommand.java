package dev.fedge.cli;

import picocli.CommandLine.Command;

/** {@code fedge fleet}: manage edge devices over SSH from an Ansible inventory. */
@Command(name = "fleet", mixinStandardHelpOptions = true, description = "Manage edge devices over SSH from an Ansible inventory.", subcommands = {})
public final class FleetCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

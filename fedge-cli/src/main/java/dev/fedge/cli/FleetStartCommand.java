package dev.fedge.cli;

import dev.fedge.fleet.ClientState;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedge fleet start}: starts the edge client on every host in the background. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start 'java -cp fedge.jar:lib/native/PLATFORM/* dev.fedge.cli.Fedge client"
        + " --server HOST:PORT ...' (the host's own native) on every host with"
        + " nohup in the background; its pid goes to fedge.pid and its output to fedge.log in the"
        + " remote folder. A running client is left alone. A host without Java 17+ fails with how"
        + " to install it, unless --install-java.")
public final class FleetStartCommand extends FleetBaseCommand {

  private static final Pattern SERVER =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_.-]+):(\\d{1,5})");

  @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
      description = "The fedge server the clients connect to.")
  String server;

  @Option(names = "--dataset", paramLabel = "NAME", description = "Passed on to fedge client.")
  String dataset;

  @Option(names = "--java", paramLabel = "CMD", defaultValue = "java",
      description = "The java command on the hosts; it must be Java 17+"
          + " (default: ${DEFAULT-VALUE}).")
  String java;

  @Option(names = "--install-java",
      description = "Install openjdk-17-jre-headless with sudo -n apt-get on hosts without"
          + " Java 17+ (else such a host fails with how to install it).")
  boolean installJava;

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = "~/fedge",
      description = "Folder on the hosts where fedge was deployed (default: ${DEFAULT-VALUE}).")
  String remoteDir;

  @Parameters(paramLabel = "CLIENT_ARG",
      description = "More arguments for fedge client, after --.")
  List<String> clientArgs = new ArrayList<>();

  @Override
  protected int doCall() throws Exception {
    var m = SERVER.matcher(server);
    if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
      throw new IllegalArgumentException("--server must be HOST:PORT, got '" + server + "'");
    }
    List<String> args = new ArrayList<>(List.of("--server", server));
    if (dataset != null) {
      args.add("--dataset");
      args.add(dataset);
    }
    args.addAll(clientArgs);
    List<Outcome<ClientState>> outcomes =
        runOnHosts(FleetTasks.withJava(java, installJava,
            FleetTasks.start(remoteDir(remoteDir), java, args)));
    FleetStatusCommand.print(out(), outcomes);
    return finish(outcomes);
  }
}

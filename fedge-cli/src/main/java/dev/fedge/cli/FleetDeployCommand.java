package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.DeployPlan;
import dev.fedge.fleet.DeployReport;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.Outcome;
import dev.fedge.fleet.RemoteDir;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge fleet deploy}: copies the fedge jar, its lib/ and optional config and data, then
 * removes the jars of the remote lib/ that the local lib/ no longer has.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = {"Copy the fedge jar with its lib/ folder (and optionally a config file and a"
        + " data folder) to every host over SFTP, only the files whose SHA-256 differs; then"
        + " remove from the remote lib/ the *.jar files the local lib/ does not have (old"
        + " versions after an upgrade), unless --no-prune. A host without Java 17+ fails first,"
        + " with nothing copied, unless --install-java.",
        "Of lib/native/ only the host's platform folder is sent (linux-x86_64, linux-aarch64 or"
            + " osx-aarch64, from uname on the host); a host of another platform fails.",
        "Prints per host: files copied, unchanged and removed, the bytes sent and the native."})
public final class FleetDeployCommand extends FleetBaseCommand {

  /** Where the launcher builds the jar. */
  static final Path DEFAULT_JAR = Path.of("fedge-bench", "target", "fedge.jar");

  @Option(names = "--jar", paramLabel = "FILE",
      description = "The fedge jar (default: fedge-bench/target/fedge.jar, else the running jar).")
  Path jar;

  @Option(names = "--lib", paramLabel = "DIR",
      description = "The jar's dependencies (default: the lib/ folder next to the jar).")
  Path lib;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A config file, copied into the remote folder under its own name.")
  Path config;

  @Option(names = "--data", paramLabel = "DIR",
      description = "A data folder, copied to data/ in the remote folder.")
  Path data;

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = "~/fedge",
      description = "Folder on the hosts (default: ${DEFAULT-VALUE}).")
  String remoteDir;

  @Option(names = "--no-prune",
      description = "Keep the jars of the remote lib/ that the local lib/ does not have.")
  boolean noPrune;

  @Option(names = "--java", paramLabel = "CMD", defaultValue = "java",
      description = "The java command on the hosts; it must be Java 17+"
          + " (default: ${DEFAULT-VALUE}).")
  String java;

  @Option(names = "--install-java",
      description = "Install openjdk-17-jre-headless with sudo -n apt-get on hosts without"
          + " Java 17+ (else such a host fails with how to install it).")
  boolean installJava;

  @Override
  protected int doCall() throws Exception {
    RemoteDir dir = remoteDir(remoteDir);
    Path theJar = jar != null ? jar : defaultJar();
    Path theLib = lib;
    if (theLib == null) {
      Path sibling = theJar.toAbsolutePath().getParent().resolve("lib");
      theLib = Files.isDirectory(sibling) ? sibling : null;
    }
    DeployPlan plan = DeployPlan.of(theJar, theLib, config, data);
    if (theLib == null) {
      err().println("fedge: no lib/ folder next to " + theJar + "; deploying without one"
          + (noPrune ? "" : " (and leaving the remote lib/ as it is)"));
    }
    List<Outcome<DeployReport>> outcomes = runOnHosts(
        FleetTasks.withJava(java, installJava, FleetTasks.deployForHost(plan, dir, !noPrune)));
    for (Outcome<DeployReport> o : outcomes) {
      if (o.ok()) {
        out().println(AnsibleFormat.line(o.host().name(),
            o.value().changed() ? "CHANGED" : "OK", o.value().summary()));
      } else {
        out().println(AnsibleFormat.failure(o));
      }
    }
    out().flush();
    return finish(outcomes);
  }

  /**
   * fedge-bench/target/fedge.jar when it exists, else the jar this process runs from (the first
   * class path entry of {@code java -cp fedge.jar:lib/native/PLATFORM/*}, or the one jar of {@code
   * java -jar fedge.jar}; this class itself lies in lib/).
   */
  static Path defaultJar() {
    if (Files.isRegularFile(DEFAULT_JAR)) {
      return DEFAULT_JAR;
    }
    try {
      // the launcher runs -cp fedge.jar:lib/native/PLATFORM/*: the jar is the first entry
      String first = System.getProperty("java.class.path", "").split(File.pathSeparator)[0];
      Path self = Path.of(first);
      if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (RuntimeException e) {
      // fall through to the default, reported as missing
    }
    return DEFAULT_JAR;
  }
}

package dev.fedge.cli;

import dev.fedge.data.DatasetUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code fedge} command. */
@Command(
    name = "fedge",
    mixinStandardHelpOptions = true,
    versionProvider = Fedge.Version.class,
    description = "Federated learning for fleets of heterogeneous edge devices.",
    subcommands = {
      SimulateCommand.class,
      DataCommand.class,
      ServerCommand.class,
      RunCommand.class,
      ClientCommand.class,
      FleetCommand.class,
      AdminCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Fedge implements Runnable {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and debug output.")
  static boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Entry point. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the command line in this process with the given streams and returns the exit code; used
   * by {@link #main} and by tests.
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    verbose = false;
    CommandLine cl = new CommandLine(new Fedge());
    for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
      cl.addSubcommand(extra);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> handle(ex, commandLine.getErr()));
    cl.setParameterExceptionHandler(
        (ex, args2) -> {
          PrintWriter e = ex.getCommandLine().getErr();
          e.println("fedge: " + ex.getMessage());
          if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, e)) {
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                + " --help' for more information.");
          }
          return ExitException.INVALID_INPUT;
        });
    return cl.execute(args);
  }

  /** Maps an exception to an exit code, printing one line (or the stack trace with --verbose). */
  static int handle(Throwable ex, PrintWriter err) {
    int code;
    String message;
    if (ex instanceof ExitException e) {
      code = e.code();
      message = e.getMessage();
    } else if (unavailableData(ex) != null) {
      // a data set that is not on disk and could not be fetched: the same code whichever
      // command needed it (simulate, server, client, data fetch)
      code = ExitException.UNAVAILABLE;
      message = unavailableData(ex).getMessage();
    } else if (ex instanceof IllegalArgumentException) {
      code = ExitException.INVALID_INPUT;
      message = ex.getMessage();
    } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
      code = ExitException.FAILURE;
      message = ex.getMessage();
    } else {
      code = ExitException.INTERNAL;
      message = ex + " (run with --verbose for the stack trace)";
    }
    err.println("fedge: " + message);
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /** The {@link DatasetUnavailableException} that is {@code ex} or one of its causes, or null. */
  private static DatasetUnavailableException unavailableData(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof DatasetUnavailableException d) {
        return d;
      }
    }
    return null;
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Fedge.class.getPackage().getImplementationVersion();
      return new String[] {
        "fedge " + (v == null ? "dev" : v),
        "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")
            + " " + System.getProperty("os.arch")
      };
    }
  }
}

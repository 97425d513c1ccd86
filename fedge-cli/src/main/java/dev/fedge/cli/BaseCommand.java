package dev.fedge.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: gives access to the command's output streams and turns {@link
 * #doCall()} into an exit code. Errors are thrown and mapped to exit codes in {@link Fedge}.
 */
public abstract class BaseCommand implements Callable<Integer> {

  /** Injected by picocli. */
  @Spec protected CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    return doCall();
  }

  /**
   * Runs the command.
   *
   * @return the exit code, 0 on success
   * @throws Exception mapped to an exit code and one line by {@link Fedge}
   */
  protected abstract int doCall() throws Exception;

  /** Standard output of this invocation. */
  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Standard error of this invocation. */
  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }
}

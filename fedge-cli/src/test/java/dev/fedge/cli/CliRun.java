package dev.fedge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the {@code fedge} command line in this process and keeps its exit code and output.
 *
 * @param code exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fedge.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The error output's non-empty lines. */
  long errLines() {
    return err.lines().filter(l -> !l.isBlank()).count();
  }
}

package dev.fedge.fleet;

import java.util.Objects;

/**
 * What a remote command did.
 *
 * @param exitCode the exit status, or -1 when the command ended without one (killed by a signal)
 * @param stdout its standard output (UTF-8, cut after {@link RemoteSession#MAX_OUTPUT} bytes)
 * @param stderr its standard error (UTF-8, cut likewise)
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

  /** Checks the streams are not null. */
  public CommandResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** Whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }

  /** Standard output followed by standard error, as Ansible shows a shell command's output. */
  public String output() {
    if (stderr.isEmpty()) {
      return stdout;
    }
    if (stdout.isEmpty() || stdout.endsWith("\n")) {
      return stdout + stderr;
    }
    return stdout + "\n" + stderr;
  }
}

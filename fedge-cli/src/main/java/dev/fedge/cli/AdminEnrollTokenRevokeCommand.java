package dev.fedge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge admin enroll-token revoke --project P --name N}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = "Revoke a device enroll token: no device registers with it from now on (devices"
        + " that joined with it stay in the project).")
public final class AdminEnrollTokenRevokeCommand extends AdminBaseCommand {

  @Option(names = "--project", required = true, paramLabel = "P", description = "The project.")
  String project;

  @Option(names = "--name", required = true, paramLabel = "N", description = "The token's name.")
  String name;

  @Override
  protected int doCall() throws Exception {
    call("DELETE", "/api/v1/projects/" + segment(project) + "/enroll-tokens/" + segment(name),
        null);
    out().println("revoked enroll token '" + name + "' of project '" + project + "'");
    out().flush();
    return 0;
  }
}

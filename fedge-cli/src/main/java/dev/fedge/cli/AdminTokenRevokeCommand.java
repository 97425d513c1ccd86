package dev.fedge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge admin token revoke --project P --name N}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = "Revoke a project token: it opens nothing from now on.")
public final class AdminTokenRevokeCommand extends AdminBaseCommand {

  @Option(names = "--project", required = true, paramLabel = "P", description = "The project.")
  String project;

  @Option(names = "--name", required = true, paramLabel = "N", description = "The token's name.")
  String name;

  @Override
  protected int doCall() throws Exception {
    call("DELETE", "/api/v1/projects/" + segment(project) + "/tokens/" + segment(name), null);
    out().println("revoked token '" + name + "' of project '" + project + "'");
    out().flush();
    return 0;
  }
}

package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge admin token create --project P --role R --name N}: prints the token once. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Issue a project token; its secret is printed now and never again.")
public final class AdminTokenCreateCommand extends AdminBaseCommand {

  @Option(names = "--project", required = true, paramLabel = "P", description = "The project.")
  String project;

  @Option(names = "--role", required = true, paramLabel = "R",
      description = "owner, member or viewer.")
  String role;

  @Option(names = "--name", required = true, paramLabel = "N",
      description = "What the token is for, unique in the project.")
  String name;

  @Override
  protected int doCall() throws Exception {
    JsonNode t = call("POST", "/api/v1/projects/" + segment(project) + "/tokens",
        Map.of("role", role, "name", name));
    out().println(t.get("token").asText());
    out().flush();
    err().println(t.get("role").asText() + " token '" + t.get("name").asText() + "' of project '"
        + t.get("project").asText() + "' (shown once: the server keeps only its hash)");
    err().flush();
    return 0;
  }
}

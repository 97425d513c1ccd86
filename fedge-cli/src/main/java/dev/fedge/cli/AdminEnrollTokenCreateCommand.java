package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge admin enroll-token create --project P --name N}: prints the token once. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Issue a device enroll token for a project; its secret is printed now and never"
        + " again.")
public final class AdminEnrollTokenCreateCommand extends AdminBaseCommand {

  @Option(names = "--project", required = true, paramLabel = "P", description = "The project.")
  String project;

  @Option(names = "--name", required = true, paramLabel = "N",
      description = "What the token is for, unique among the project's enroll tokens.")
  String name;

  @Override
  protected int doCall() throws Exception {
    JsonNode t = call("POST", "/api/v1/projects/" + segment(project) + "/enroll-tokens",
        Map.of("name", name));
    out().println(t.get("token").asText());
    out().flush();
    err().println("enroll token '" + t.get("name").asText() + "' of project '"
        + t.get("project").asText() + "' (shown once: the server keeps only its hash);"
        + " start devices with: fedge client --enroll-token <it>");
    err().flush();
    return 0;
  }
}

package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedge admin project create NAME}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a project (the administrator's token only).")
public final class AdminProjectCreateCommand extends AdminBaseCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "The project's name.")
  String name;

  @Override
  protected int doCall() throws Exception {
    JsonNode p = call("POST", "/api/v1/projects", Map.of("name", name));
    out().println("created project " + p.get("name").asText());
    out().flush();
    return 0;
  }
}

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

  @picocli.CommandLine.Option(names = "--quota", paramLabel = "BYTES",
      description = "Model store quota of the project in bytes (default: none).")
  Long quota;

  @Override
  protected int doCall() throws Exception {
    JsonNode p = call("POST", "/api/v1/projects",
        quota == null ? Map.of("name", name) : Map.of("name", name, "quota_bytes", quota));
    out().println("created project " + p.get("name").asText()
        + (p.get("quota_bytes").isNull() ? "" : " (quota " + p.get("quota_bytes").asLong()
            + " bytes)"));
    out().flush();
    return 0;
  }
}

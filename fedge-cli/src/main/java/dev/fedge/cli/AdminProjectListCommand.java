package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code fedge admin project list}: one project a line, name and creation time. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the projects the token sees (all of them for the administrator).")
public final class AdminProjectListCommand extends AdminBaseCommand {

  @Override
  protected int doCall() throws Exception {
    for (JsonNode p : call("GET", "/api/v1/projects", null)) {
      out().println(p.get("name").asText() + "\t" + p.get("created").asText());
    }
    out().flush();
    return 0;
  }
}

package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fedge.server.pipeline.PipelineSpec;
import dev.fedge.server.settings.RunSettingsBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedge run spec.yaml}: starts a run spec on a running server ({@code POST /api/v1/runs})
 * and follows its steps ({@code GET /api/v1/runs/{id}/steps}), one line per step change; the exit
 * code is 0 when every step is done, non-zero when the run fails or is stopped. The spec is the
 * API's run settings plus {@code steps} and the steps' options (docs/PIPELINE.md), in YAML or
 * JSON; it is checked here before anything is sent.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start a run spec (check, data, train, evaluate, serve) on a running server and follow"
          + " its steps.",
      "Exit code 0 when every step is done, 1 when the run failed or was stopped."
    })
public final class RunCommand extends AdminBaseCommand {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Parameters(index = "0", paramLabel = "SPEC", description = "The run spec, YAML or JSON.")
  Path file;

  @Option(names = "--poll", defaultValue = "500ms", converter = ServerCommand.DurationConverter.class,
      description = "How often to ask for the steps (default ${DEFAULT-VALUE}).")
  Duration poll;

  @Option(names = "--no-follow", description = "Start the run and exit without following it.")
  boolean noFollow;

  @Override
  protected int doCall() throws Exception {
    Map<String, Object> doc = read(file);
    String id = String.valueOf(call("POST", "/api/v1/runs", doc).get("id").asText());
    Consumer<String> log = ServerCommand.logger(out());
    log.accept("run '" + id + "' started on " + server);
    if (noFollow) {
      return 0;
    }
    Map<String, String> seen = new HashMap<>();
    while (true) {
      // the run's status first, then its steps: a step ends before the run does, so the steps
      // read after a run that has ended are its last ones
      JsonNode run = call("GET", "/api/v1/runs/" + segment(id), null);
      String status = run.path("status").asText();
      JsonNode steps = call("GET", "/api/v1/runs/" + segment(id) + "/steps", null);
      for (JsonNode s : steps) {
        String step = s.get("step").asText();
        String stepStatus = s.get("status").asText();
        String line = s.path("line").isTextual() ? s.get("line").asText() : "";
        String now = stepStatus + " " + line;
        if (!now.equals(seen.put(step, now))) {
          log.accept(String.format("%-8s %-8s %s", step, stepStatus, line).stripTrailing());
        }
      }
      if (!status.equals("running")) {
        if (status.equals("finished")) {
          log.accept("run '" + id + "' finished");
          return 0;
        }
        String reason = "";
        for (JsonNode s : steps) {
          if (s.get("status").asText().equals("failed")) {
            reason = ": " + s.path("line").asText();
          }
        }
        throw new ExitException(ExitException.FAILURE, "run '" + id + "' " + status + reason);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /**
   * Reads and checks a run spec: its steps ({@link PipelineSpec}, all five when it names none)
   * and its run settings (the API's keys).
   *
   * @return the document to post, with its steps spelled out
   * @throws ExitException naming the file and what is wrong with it, in one line
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    Object parsed;
    try {
      parsed = YAML.readValue(Files.readString(file), Object.class);
    } catch (NoSuchFileException e) {
      throw new ExitException(ExitException.INVALID_INPUT, "no run spec " + file);
    } catch (IOException e) {
      throw new ExitException(ExitException.INVALID_INPUT, file + ": not YAML or JSON: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new ExitException(ExitException.INVALID_INPUT, file + ": expected a map of run"
          + " settings and steps, e.g. 'rounds: 3', got "
          + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()));
    }
    Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) m);
    try {
      PipelineSpec steps = PipelineSpec.take(doc).orElse(PipelineSpec.defaults());
      RunSettingsBinder.bind(RunSettingsBinder.Use.API, doc);
      doc.putAll(steps.toMap());
      return doc;
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitException.INVALID_INPUT, file + ": " + e.getMessage(), e);
    }
  }
}

package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fedge.server.pipeline.PipelineSpec;
import dev.fedge.server.settings.Durations;
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
 * JSON; it is checked here before anything is sent. When the server cannot be reached while the
 * run is followed (it was restarted, or the network dropped), it says so in one line and keeps
 * asking for up to {@code --reconnect}: a restarted server resumes the run where it was.
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

  @Option(names = "--reconnect", defaultValue = "5m",
      converter = ServerCommand.DurationConverter.class,
      description = "How long to keep asking a server that cannot be reached while following the"
          + " run, e.g. during its restart (default ${DEFAULT-VALUE}).")
  Duration reconnect;

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
    long lostAt = -1;
    while (true) {
      // the run's status first, then its steps: a step ends before the run does, so the steps
      // read after a run that has ended are its last ones
      JsonNode run;
      JsonNode steps;
      try {
        run = call("GET", "/api/v1/runs/" + segment(id), null);
        steps = call("GET", "/api/v1/runs/" + segment(id) + "/steps", null);
      } catch (ExitException e) {
        if (e.code() != ExitException.UNAVAILABLE) {
          throw e;
        }
        long now = System.nanoTime();
        if (lostAt < 0) {
          lostAt = now;
          log.accept("lost the server (" + e.getMessage() + "); asking again for up to "
              + Durations.format(reconnect));
        }
        if (now - lostAt >= reconnect.toNanos()) {
          throw new ExitException(ExitException.UNAVAILABLE, "gave up on run '" + id + "' after "
              + Durations.format(reconnect) + " without the server at " + server
              + " (the run may go on there; follow it again with the dashboard or the API)", e);
        }
        Thread.sleep(Math.min(poll.toMillis() * 4, 2_000));
        continue;
      }
      if (lostAt >= 0) {
        log.accept("server back; following run '" + id + "'");
        lostAt = -1;
      }
      String status = run.path("status").asText();
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

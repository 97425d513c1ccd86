package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.EvaluateRes;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.server.FederationServer;
import dev.fedge.server.ToyDevice;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run spec with steps through the HTTP API on a real federation (gRPC devices, SQLite state):
 * {@code POST /api/v1/runs} with the document, the five steps in {@code GET
 * /api/v1/runs/{id}/steps}, and the alias that {@code serve} set answering predictions; a server
 * that dies in the middle of {@code train} and starts again on the same folder, resuming the run
 * as {@code fedge server} does; a bad spec refused in one line.
 */
@Timeout(240)
class PipelineApiTest {

  static final String TOKEN = "pipeline-token-0123456789abcdef";
  static final String SPEC = "{\"id\": \"pipe\", \"group\": \"lab\", \"project\": \"toy\","
      + " \"rounds\": 3, \"min-clients\": 2,"
      + " \"steps\": [\"check\", \"data\", \"train\", \"evaluate\", \"serve\"],"
      + " \"check\": {\"min_devices\": 2, \"classes\": {\"rpi\": 1}, \"timeout\": \"60s\"},"
      + " \"serve\": {\"alias\": \"production\", \"pick\": \"best\"}}";

  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();
  final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  /** What a server's death looks like from inside: nothing catches it. */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;

    Killed() {
      super("killed");
    }
  }

  /**
   * A real CNN (so that the served alias answers predictions), with central accuracy 0.1, 0.9,
   * 0.3 in rounds 1-3: the best round is 2.
   */
  static FederationServer.RunFactory cnnRuns(int killInRound) {
    return spec -> {
      DjlRuntime runtime = DjlRuntime.create("cnn", 1, 28, 28, 10, 42, 1);
      return new FederationServer.RunSetup(
          Strategies.create("fedavg", Map.of(), StrategySettings.defaults()),
          runtime.initialParameters(),
          (round, g) -> {
            if (round == killInRound) {
              throw new Killed();
            }
            return new EvaluateRes(1.0 / (1 + round), 100,
                Map.of("accuracy", round == 2 ? 0.9 : 0.1 * round));
          },
          runtime);
    };
  }

  /** A server with its API on the state folder, and two devices (a Pi and a generic box). */
  Http start(int port, int killInRound, Semaphore gate) throws Exception {
    return start(port, killInRound, gate, "1");
  }

  /** As above, the devices' names ending in {@code n} (a restarted server refuses a name it knew
   * from a device that registers again without its credential, as these toy devices do). */
  Http start(int port, int killInRound, Semaphore gate, String n) throws Exception {
    FederationServer server = keep(FederationServer.start(
        FederationServer.Settings.local(dir, port), cnnRuns(killInRound), log::add));
    this.server = server;
    StateDbView view = keep(new StateDbView(server.state().db(),
        DeviceStatus.of(server.registry())));
    control = new FederationRunControl(server, new RunSpec("template", "lab", "toy", 2, 1, 1,
        Duration.ofSeconds(60), "float32", Map.of("strategy", "fedavg")), view, log::add);
    if (killInRound < 0) {
      keep(control);
    }
    WebServer web = keep(WebServer.builder().setView(view).setModelStore(server.models())
        .setToken(ApiToken.of(TOKEN)).optRunControl(control).optHost("127.0.0.1").optPort(0)
        .optPollInterval(Duration.ofMillis(100)).start());
    keep(ToyDevice.builder(server.port(), "pi" + n)
        .deviceClass("rpi").temperature(50).gate(gate).start());
    keep(ToyDevice.builder(server.port(), "box" + n)
        .deviceClass("generic").temperature(40).gate(gate).start());
    return new Http(web.uri(), TOKEN);
  }

  FederationServer server;
  FederationRunControl control;

  static String awaitEnd(Http api, String run) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    String status = "";
    while (System.nanoTime() < until) {
      status = Http.json(api.get("/api/v1/runs/" + run)).get("status").asText();
      if (!status.equals(RunRecord.RUNNING)) {
        break;
      }
      Thread.sleep(50);
    }
    return status;
  }

  static Map<String, JsonNode> steps(Http api) throws Exception {
    HttpResponse<String> r = api.get("/api/v1/runs/pipe/steps");
    assertEquals(200, r.statusCode(), r.body());
    Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
    Http.json(r).forEach(s -> m.put(s.get("step").asText(), s));
    return m;
  }

  @Test
  void aRunSpecPostedToTheApi_runsItsFiveSteps_andTheAliasServesTheBestRound() throws Exception {
    Http api = start(0, -1, new Semaphore(1000));

    HttpResponse<String> started = api.post("/api/v1/runs", SPEC);

    assertEquals(201, started.statusCode(), started.body());
    assertEquals(RunRecord.FINISHED, awaitEnd(api, "pipe"), log::toString);
    Map<String, JsonNode> s = steps(api);
    assertEquals(List.of("check", "data", "train", "evaluate", "serve"), List.copyOf(s.keySet()));
    s.forEach((step, row) -> {
      assertEquals("done", row.get("status").asText(), step + ": " + row);
      assertTrue(row.get("started").isTextual() && row.get("finished").isTextual(), row::toString);
      assertTrue(row.get("seconds").asDouble() >= 0, row::toString);
    });
    assertEquals("check: 2 devices online (generic: 1, rpi: 1)", s.get("check").get("line").asText());
    assertEquals("data: no device reports its data set; checked on first train task",
        s.get("data").get("line").asText());
    assertTrue(s.get("evaluate").get("line").asText().contains("best round 2 accuracy 0.9000"),
        s.get("evaluate").toString());
    assertEquals("serve: alias 'production' of lab/toy names round 2 (best round, accuracy"
        + " 0.9000); predict at /v1/models/lab.toy.production:predict",
        s.get("serve").get("line").asText());

    JsonNode served = Http.json(api.get("/v1/models/lab.toy.production"));
    assertEquals("lab.toy.2", served.get("model").asText(), served.toString());
    StringBuilder image = new StringBuilder("{\"instances\": [[");
    for (int y = 0; y < 28; y++) {
      image.append(y == 0 ? "" : ",").append("[")
          .append(String.join(",", java.util.Collections.nCopies(28, "0"))).append("]");
    }
    HttpResponse<String> p = api.post("/v1/models/lab.toy.production:predict",
        image.append("]]}").toString());
    assertEquals(200, p.statusCode(), p.body());
    assertEquals(1, Http.json(p).get("predictions").size(), p.body());
    String aliases = api.get("/api/v1/models/lab/toy/aliases").body();
    assertEquals("{\"production\":2}", aliases);
  }

  @Test
  void aServerThatDiesMidTrain_resumesTheRunAtTrain_checkAndDataKeepTheirFirstRows()
      throws Exception {
    Http first = start(0, 2, new Semaphore(1000));
    int port = server.port();
    assertEquals(201, first.post("/api/v1/runs", SPEC).statusCode());
    // round 2's evaluation kills the run's thread: the state is as a killed server leaves it
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (control.running().isPresent() && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    Map<String, JsonNode> before = steps(first);
    assertEquals("running", before.get("train").get("status").asText(), before.toString());
    assertEquals("done", before.get("data").get("status").asText());
    stop();

    Http again = start(port, -1, new Semaphore(1000), "2");
    RunRecord unfinished = server.unfinishedRun().orElseThrow();
    assertEquals(1, unfinished.completedRounds());
    control.start(unfinished.spec()); // as fedge server does with the run it finds unfinished

    assertEquals(RunRecord.FINISHED, awaitEnd(again, "pipe"), log::toString);
    Map<String, JsonNode> after = steps(again);
    assertEquals(before.get("check"), after.get("check"), "check was not run again");
    assertEquals(before.get("data"), after.get("data"), "data was not run again");
    assertEquals(before.get("train").get("started"), after.get("train").get("started"));
    for (String s : List.of("train", "evaluate", "serve")) {
      assertEquals("done", after.get(s).get("status").asText(), after.get(s).toString());
    }
    assertEquals(List.of(1, 2, 3), server.state().rounds("pipe").stream()
        .map(r -> r.round()).toList());
    assertEquals("{\"production\":2}", again.get("/api/v1/models/lab/toy/aliases").body());
  }

  @Test
  void aRunStoppedInItsCheck_failsThatStep_andSkipsTheRest() throws Exception {
    Http api = start(0, -1, new Semaphore(1000));
    assertEquals(201, api.post("/api/v1/runs", "{\"id\": \"pipe\", \"check\": {\"classes\":"
        + " {\"jetson\": 1}, \"timeout\": \"120s\"}}").statusCode());
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!steps(api).get("check").get("status").asText().equals("running")
        && System.nanoTime() < until) {
      Thread.sleep(20);
    }

    HttpResponse<String> stopped = api.post("/api/v1/runs/pipe/stop", "{}");

    assertEquals(202, stopped.statusCode(), stopped.body());
    assertEquals(FederationRunControl.STOPPED, awaitEnd(api, "pipe"));
    Map<String, JsonNode> s = steps(api);
    assertEquals("failed", s.get("check").get("status").asText());
    assertEquals("stopped through the API after round 0", s.get("check").get("line").asText());
    for (String later : List.of("data", "train", "evaluate", "serve")) {
      assertEquals("skipped", s.get(later).get("status").asText(), later);
    }
  }

  @Test
  void aBadSpec_isRefusedInOneLineNamingTheKey_andNothingIsRecorded() throws Exception {
    Http api = start(0, -1, new Semaphore(1000));

    HttpResponse<String> step = api.post("/api/v1/runs", "{\"id\": \"bad\","
        + " \"steps\": [\"check\", \"deploy\", \"train\"]}");
    HttpResponse<String> check = api.post("/api/v1/runs", "{\"id\": \"bad\","
        + " \"check\": {\"min_devices\": \"two\"}}");
    HttpResponse<String> setting = api.post("/api/v1/runs", "{\"id\": \"bad\", \"colour\": 1,"
        + " \"steps\": [\"train\"]}");

    assertEquals(400, step.statusCode(), step.body());
    assertEquals("steps: unknown step 'deploy' (known: check, data, train, evaluate, serve)",
        Http.json(step).get("error").asText());
    assertEquals("check.min_devices: expected a positive integer, got 'two'",
        Http.json(check).get("error").asText());
    assertTrue(Http.json(setting).get("error").asText().startsWith("unknown setting 'colour'"),
        setting.body());
    assertEquals("[]", api.get("/api/v1/runs").body());
  }
}

package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.server.store.SafeTensors;
import dev.fedge.web.view.StateDbView;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerTest {

  static final String TOKEN = "test-token-0123456789abcdef";

  @TempDir Path dir;
  StateStore state;
  StateDbView view;
  StateFixture fx;
  final java.util.Set<String> connected = java.util.concurrent.ConcurrentHashMap.newKeySet();
  ModelStore store;
  WebServer server;
  Http http;

  static Parameters tinyModel(float v) {
    ParameterLayout layout =
        ParameterLayout.of(
            new TensorSpec("fc1.weight", new int[] {3, 4}),
            new TensorSpec("head.bias", new int[] {3}));
    float[] values = new float[layout.totalSize()];
    for (int i = 0; i < values.length; i++) {
      values[i] = v + i;
    }
    return new Parameters(layout, values);
  }

  @BeforeEach
  void start() throws Exception {
    state = StateStore.open(dir.resolve("state/fedge.db"));
    view = new StateDbView(state.db(), (id, lastSeen) -> connected.contains(id));
    fx = new StateFixture(state, view);
    connected.add("pi-1");
    fx.device(
        "pi-1",
        "raspberry-pi",
        new Telemetry(51.5, 1_500_000_000L, 0.7, System.currentTimeMillis()));
    fx.device(
        "laptop",
        "generic",
        new Telemetry(Double.NaN, -1, Double.NaN, System.currentTimeMillis() - 600_000));
    fx.run("run-a", 5);
    fx.round("run-a", 1, 0.61, 1.1, List.of("laptop", "pi-1"), List.of(), 12.5);
    fx.round(
        "run-a",
        2,
        Double.NaN,
        0.9,
        List.of("pi-1"),
        List.of(new ClientFailure("laptop", "timeout after PT30S")),
        31.0);
    store = new ModelStore(dir.resolve("models"));
    store.save(
        new ModelKey("lab", "fmnist", 1),
        tinyModel(1),
        Map.of("metrics", Map.of("accuracy", 0.61)));
    store.save(new ModelKey("lab", "fmnist", 2), tinyModel(2), Map.of());
    server =
        WebServer.builder()
            .setView(view)
            .setModelStore(store)
            .setToken(ApiToken.of(TOKEN))
            .optRunControl(fx)
            .optHost("127.0.0.1")
            .optPort(0)
            .optPollInterval(Duration.ofMillis(50))
            .start();
    http = new Http(server.uri(), TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
    view.close();
    state.close();
  }

  @Test
  void apiNeedsTheToken() throws Exception {
    HttpResponse<String> none = http.withToken(null).get("/api/v1/devices");
    HttpResponse<String> wrong = http.withToken("wrong-token-0123456789").get("/api/v1/runs");
    HttpResponse<String> metrics = http.withToken(null).get("/metrics");

    assertEquals(401, none.statusCode());
    assertTrue(Http.json(none).get("error").asText().contains("API token"), none.body());
    assertEquals(401, wrong.statusCode());
    assertEquals(401, metrics.statusCode());
    assertEquals(200, http.withToken(null).get("/healthz").statusCode());
  }

  @Test
  void devicesShowFactsTelemetryAndOnlineState() throws Exception {
    HttpResponse<String> r = http.get("/api/v1/devices");

    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode devices = Http.json(r);
    assertEquals(2, devices.size());
    JsonNode pi = devices.get(0);
    assertEquals("pi-1", pi.get("id").asText());
    assertEquals("pi-1.local", pi.get("name").asText());
    assertEquals("raspberry-pi", pi.get("class").asText());
    assertTrue(pi.get("online").asBoolean());
    assertEquals(4, pi.get("facts").get("cores").asInt());
    assertEquals(51.5, pi.get("telemetry").get("temperatureC").asDouble());
    assertEquals(1_500_000_000L, pi.get("telemetry").get("freeMemoryBytes").asLong());
    assertEquals(2, pi.get("rounds").asInt());
    JsonNode laptop = devices.get(1);
    assertFalse(laptop.get("online").asBoolean());
    assertTrue(laptop.get("telemetry").get("temperatureC").isNull(), "NaN becomes null");
    assertEquals("laptop", Http.json(http.get("/api/v1/devices/laptop")).get("id").asText());
    assertEquals(404, http.get("/api/v1/devices/nope").statusCode());
  }

  @Test
  void devices_showTheirMemoryAndMeasuredSpeed() throws Exception {
    state.updateSpeed("pi-1", new dev.fedge.server.state.DeviceSpeed(95.5, 3.0, 4));

    JsonNode devices = Http.json(http.get("/api/v1/devices"));

    JsonNode pi = devices.get(0);
    assertEquals(4L << 30, pi.get("memoryBytes").asLong());
    assertEquals(95.5, pi.get("speed").get("imagesPerSecond").asDouble());
    assertEquals(3.0, pi.get("speed").get("stepsPerSecond").asDouble());
    assertEquals(4, pi.get("speed").get("tasks").asInt());
    JsonNode laptop = devices.get(1);
    assertTrue(laptop.get("speed").get("imagesPerSecond").isNull(), "not measured: null");
    assertEquals(0, laptop.get("speed").get("tasks").asInt());
  }

  @Test
  void fleetProfile_exportsTheMeasuredDevicesForSimulateFleet(@TempDir Path dir)
      throws Exception {
    HttpResponse<String> before = http.get("/api/v1/fleet-profile");
    assertEquals(404, before.statusCode(), before.body());
    assertTrue(Http.json(before).get("error").asText().contains("no device has a measured"),
        before.body());

    state.updateSpeed("pi-1", new dev.fedge.server.state.DeviceSpeed(95.5, 3.0, 4));
    HttpResponse<String> r = http.get("/api/v1/fleet-profile");

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
    assertTrue(r.body().contains("not measured yet, left out: laptop"), r.body());
    dev.fedge.server.settings.FleetProfile fleet = dev.fedge.server.settings.FleetProfile.read(
        java.nio.file.Files.writeString(dir.resolve("fleet.yaml"), r.body()));
    assertEquals(1, fleet.classes().size());
    dev.fedge.server.settings.FleetProfile.DeviceClass pi = fleet.classes().get(0);
    assertEquals("raspberry-pi", pi.name());
    assertEquals(1, pi.count());
    assertEquals(0.0955, pi.speed(), 1e-9);
    assertEquals(4L << 30, pi.memoryBytes());
  }

  @Test
  void runsAndRoundsWithParticipantsFailuresMetricsAndDuration() throws Exception {
    JsonNode runs = Http.json(http.get("/api/v1/runs"));
    JsonNode run = Http.json(http.get("/api/v1/runs/run-a"));
    JsonNode rounds = Http.json(http.get("/api/v1/runs/run-a/rounds"));
    JsonNode round2 = Http.json(http.get("/api/v1/runs/run-a/rounds/2"));

    assertEquals(1, runs.size());
    assertEquals("fedavg", runs.get(0).get("strategy").asText());
    assertEquals(2, run.get("round").asInt());
    assertEquals(5, run.get("rounds").asInt());
    assertEquals("running", run.get("status").asText());
    assertEquals(0.9, run.get("loss").asDouble());
    assertEquals(2, rounds.size());
    assertEquals(0.61, rounds.get(0).get("accuracy").asDouble());
    assertEquals(1.3, rounds.get(0).get("metrics").get("train_loss").asDouble());
    assertEquals(12.5, rounds.get(0).get("seconds").asDouble());
    assertEquals("pi-1", round2.get("participants").get(0).asText());
    assertEquals("laptop", round2.get("failures").get(0).get("clientId").asText());
    assertEquals("timeout after PT30S", round2.get("failures").get(0).get("reason").asText());
    assertTrue(round2.get("accuracy").isNull());
  }

  @Test
  void unknownThingsAreJson404s() throws Exception {
    HttpResponse<String> run = http.get("/api/v1/runs/nope");
    HttpResponse<String> round = http.get("/api/v1/runs/run-a/rounds/9");
    HttpResponse<String> endpoint = http.get("/api/v1/nothing-here");
    HttpResponse<String> badRound = http.get("/api/v1/runs/run-a/rounds/two");

    assertEquals(404, run.statusCode());
    assertEquals("no run 'nope'", Http.json(run).get("error").asText());
    assertEquals(404, round.statusCode());
    assertTrue(Http.json(round).get("error").asText().contains("no finished round 9"));
    assertEquals(404, endpoint.statusCode());
    assertTrue(Http.json(endpoint).get("error").asText().contains("/api/v1/nothing-here"));
    assertEquals(400, badRound.statusCode());
    assertEquals("round must be an integer, got 'two'", Http.json(badRound).get("error").asText());
  }

  @Test
  void startAndStopARun() throws Exception {
    fx.stopRun("run-a");

    HttpResponse<String> started =
        http.post("/api/v1/runs", "{\"rounds\": 4, \"strategy\": \"fedprox\"}");
    String id = Http.json(started).get("id").asText();
    HttpResponse<String> again = http.post("/api/v1/runs", "{\"rounds\": 2}");
    HttpResponse<String> stopped = http.post("/api/v1/runs/" + id + "/stop", "");
    HttpResponse<String> stoppedTwice = http.post("/api/v1/runs/" + id + "/stop", "");

    assertEquals(201, started.statusCode(), started.body());
    assertEquals("/api/v1/runs/" + id, started.headers().firstValue("Location").orElseThrow());
    assertEquals(4, Http.json(started).get("rounds").asInt());
    assertEquals(409, again.statusCode());
    assertEquals("run '" + id + "' is still running", Http.json(again).get("error").asText());
    assertEquals(202, stopped.statusCode());
    assertEquals("failed", Http.json(stopped).get("status").asText());
    assertEquals(409, stoppedTwice.statusCode());
    assertEquals("failed", Http.json(http.get("/api/v1/runs/" + id)).get("status").asText());
  }

  @Test
  void badRunRequestsAre400s() throws Exception {
    fx.stopRun("run-a");

    HttpResponse<String> notJson = http.post("/api/v1/runs", "{rounds: ");
    HttpResponse<String> array = http.post("/api/v1/runs", "[1, 2]");
    HttpResponse<String> unknown = http.post("/api/v1/runs", "{\"colour\": \"red\"}");
    HttpResponse<String> empty = http.post("/api/v1/runs", "");

    assertEquals(400, notJson.statusCode());
    assertTrue(
        Http.json(notJson).get("error").asText().startsWith("request body is not valid JSON"));
    assertEquals(400, array.statusCode());
    assertTrue(Http.json(array).get("error").asText().contains("got array"));
    assertEquals(400, unknown.statusCode());
    assertEquals("unknown run setting 'colour'", Http.json(unknown).get("error").asText());
    assertEquals(400, empty.statusCode());
  }

  @Test
  void withoutRunControlStartIs501() throws Exception {
    try (WebServer readOnly =
        WebServer.builder()
            .setView(view)
            .setModelStore(store)
            .setToken(ApiToken.of(TOKEN))
            .optHost("127.0.0.1")
            .optPort(0)
            .start()) {
      HttpResponse<String> r = new Http(readOnly.uri(), TOKEN).post("/api/v1/runs", "{}");

      assertEquals(501, r.statusCode());
      assertTrue(Http.json(r).get("error").asText().contains("cannot start or stop runs"));
    }
  }

  @Test
  void modelRegistryListingManifestAndDownload() throws Exception {
    JsonNode all = Http.json(http.get("/api/v1/models"));
    JsonNode group = Http.json(http.get("/api/v1/models/lab"));
    JsonNode rounds = Http.json(http.get("/api/v1/models/lab/fmnist"));
    JsonNode manifest = Http.json(http.get("/api/v1/models/lab/fmnist/1"));
    JsonNode latest = Http.json(http.get("/api/v1/models/lab/fmnist/latest"));
    HttpResponse<byte[]> file = http.getBytes("/api/v1/models/lab/fmnist/2/model.safetensors");

    assertEquals(1, all.size());
    assertEquals("lab.fmnist", all.get(0).get("name").asText());
    assertEquals("[1,2]", all.get(0).get("rounds").toString());
    assertEquals(2, all.get(0).get("latest").asInt());
    assertEquals(all, group);
    assertEquals(2, rounds.size());
    assertEquals(0.61, rounds.get(0).get("metrics").get("accuracy").asDouble());
    assertEquals(
        store.manifest(new ModelKey("lab", "fmnist", 1)).get("sha256"),
        manifest.get("sha256").asText());
    assertEquals(2, latest.get("round").asInt());
    assertEquals(200, file.statusCode());
    assertEquals("application/octet-stream", file.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        file.headers()
            .firstValue("Content-Disposition")
            .orElse("")
            .contains("lab-fmnist-2.safetensors"));
    Path copy = dir.resolve("download.safetensors");
    Files.write(copy, file.body());
    assertArrayEquals(
        Files.readAllBytes(store.modelFile(new ModelKey("lab", "fmnist", 2))), file.body());
    assertEquals(tinyModel(2), SafeTensors.read(copy).parameters());
  }

  @Test
  void modelRegistryErrors() throws Exception {
    HttpResponse<String> noRound = http.get("/api/v1/models/lab/fmnist/7");
    HttpResponse<String> noProject = http.get("/api/v1/models/lab/other");
    HttpResponse<String> badName = http.get("/api/v1/models/lab/..%2F..");
    HttpResponse<String> badRound = http.get("/api/v1/models/lab/fmnist/-1/model.safetensors");

    assertEquals(404, noRound.statusCode());
    assertEquals("no model lab/fmnist/7 in the registry", Http.json(noRound).get("error").asText());
    assertEquals(404, noProject.statusCode());
    assertTrue(badName.statusCode() == 400 || badName.statusCode() == 404, badName.body());
    assertNotNull(Http.json(badName).get("error"));
    assertEquals(400, badRound.statusCode());
  }

  @Test
  void aRecordedRoundsMissingModel_isReported_notReplacedByTheRoundBefore() throws Exception {
    store.markLatest(new ModelKey("lab", "fmnist", 2));
    Files.delete(store.modelFile(new ModelKey("lab", "fmnist", 2)));

    HttpResponse<String> latest = http.get("/api/v1/models/lab/fmnist/latest");
    HttpResponse<String> predict =
        http.post("/v1/models/lab.fmnist:predict", "{\"instances\": [[0.5]]}");

    String missing = "model lab/fmnist/2 is missing: "
        + store.modelFile(new ModelKey("lab", "fmnist", 2)) + " not found";
    assertEquals(409, latest.statusCode(), latest.body());
    assertTrue(Http.json(latest).get("error").asText().startsWith(missing), latest.body());
    assertEquals(503, predict.statusCode(), predict.body());
    assertTrue(Http.json(predict).get("error").asText().startsWith(missing), predict.body());
  }

  @Test
  void eventsLog() throws Exception {
    state.event(EventRecord.REJECTED, "run-a", 2, "pi-1", "upload refused: NaN in update");

    JsonNode recent = Http.json(http.get("/api/v1/events?limit=2"));
    JsonNode after = Http.json(http.get("/api/v1/events?after=1&limit=3"));
    HttpResponse<String> badLimit = http.get("/api/v1/events?limit=0");

    assertEquals(2, recent.size());
    assertEquals("round_completed", recent.get(0).get("type").asText());
    assertEquals("rejected", recent.get(1).get("type").asText());
    assertEquals("pi-1", recent.get(1).get("clientId").asText());
    assertEquals("run-a", recent.get(1).get("runId").asText());
    assertEquals("upload refused: NaN in update", recent.get(1).get("message").asText());
    assertEquals(3, after.size());
    assertEquals(2, after.get(0).get("id").asInt());
    assertEquals("registered", after.get(0).get("type").asText());
    assertEquals(400, badLimit.statusCode());
    assertEquals("limit must be 1..1000, got 0", Http.json(badLimit).get("error").asText());
  }

  @Test
  void streamPushesNewRoundsAndMetricsCountThem() throws Exception {
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
    HttpResponse<InputStream> stream =
        http.client()
            .send(
                http.request("/api/v1/stream").header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.offer(line);
                }
              } catch (java.io.IOException e) {
                // closed at the end of the test
              }
            });
    reader.setDaemon(true);
    reader.start();
    assertEquals(": connected", lines.poll(30, TimeUnit.SECONDS));

    fx.round(
        "run-a",
        3,
        0.72,
        0.8,
        List.of("pi-1"),
        List.of(new ClientFailure("laptop", "disconnected")),
        9.0);

    String data = null;
    for (String line; data == null && (line = lines.poll(30, TimeUnit.SECONDS)) != null; ) {
      if (line.equals("event: round")) {
        data = lines.poll(30, TimeUnit.SECONDS);
      }
    }
    assertNotNull(data, "a round event arrives");
    JsonNode round = Http.JSON.readTree(data.substring("data: ".length()));
    assertEquals(3, round.get("round").asInt());
    assertEquals(0.72, round.get("accuracy").asDouble());
    assertEquals(1.0, server.metrics().roundsCompleted());
    assertEquals(1.0, server.metrics().failures("disconnected"));
    String scrape = http.get("/metrics").body();
    assertTrue(scrape.contains("fedge_rounds_total 1.0"), scrape);
    assertTrue(
        scrape.contains("fedge_connected_clients{device_class=\"raspberry-pi\"} 1.0"), scrape);
    assertTrue(scrape.contains("fedge_client_failures_total{reason=\"disconnected\"} 1.0"), scrape);
    stream.body().close();
  }

  @Test
  void streamNeedsTheEventStreamAcceptHeader() throws Exception {
    HttpResponse<String> r = http.get("/api/v1/stream");

    assertEquals(406, r.statusCode());
    assertTrue(Http.json(r).get("error").asText().contains("Accept: text/event-stream"));
  }

  @Test
  void builderNamesWhatIsMissing() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WebServer.builder().setModelStore(store).setToken(ApiToken.of(TOKEN)).start());
    IllegalArgumentException port =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WebServer.builder()
                    .setView(view)
                    .setModelStore(store)
                    .setToken(ApiToken.of(TOKEN))
                    .optPort(70000)
                    .start());

    assertEquals("web server: view is required", e.getMessage());
    assertEquals("http-port must be 0..65535, got 70000", port.getMessage());
  }
}

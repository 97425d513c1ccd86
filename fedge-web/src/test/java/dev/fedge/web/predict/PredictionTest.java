package dev.fedge.web.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.Parameters;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.ApiToken;
import dev.fedge.web.WebServer;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.StateDbView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction endpoint after a short real training: what it serves matches what the DJL runtime
 * predicts, and central evaluation, for the same test images.
 */
class PredictionTest {

  static final String TOKEN = "prediction-test-token-0123";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static DjlRuntime runtime;
  static ImageDataset test;
  static Parameters round1;
  static Parameters round2;
  static ModelStore store;
  static StateStore state;
  static StateDbView view;
  static WebServer open;
  static WebServer closed;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void trainAndServe() throws Exception {
    DataSplit fmnist = Datasets.load("fashion-mnist", Path.of("data"));
    ImageDataset train = fmnist.train().head(400);
    test = fmnist.test().head(12);
    runtime = DjlRuntime.create("cnn", 1, 28, 28, 10, 42, 2);
    Config fit =
        Config.of(
            ConfigKeys.LOCAL_EPOCHS,
            1,
            ConfigKeys.BATCH_SIZE,
            32,
            ConfigKeys.LR,
            0.05,
            ConfigKeys.MOMENTUM,
            0.9,
            ConfigKeys.SEED,
            42L,
            ConfigKeys.ROUND,
            1);
    round1 =
        runtime
            .trainer(train, null, 0)
            .fit(new FitIns(runtime.initialParameters(), fit))
            .parameters();
    round2 =
        runtime
            .trainer(train, null, 0)
            .fit(new FitIns(round1, fit.with(ConfigKeys.ROUND, 2)))
            .parameters();
    store = new ModelStore(dir.resolve("models"));
    store.save(new ModelKey("lab", "fmnist", 1), round1, provenance());
    state = StateStore.open(dir.resolve("fedge.db"));
    view = new StateDbView(state.db(), DeviceStatus.seenWithin(Duration.ofSeconds(10)));
    open =
        WebServer.builder()
            .setView(view)
            .setModelStore(store)
            .setToken(ApiToken.of(TOKEN))
            .optOpenPredict(true)
            .optHost("127.0.0.1")
            .optPort(0)
            .start();
    closed =
        WebServer.builder()
            .setView(view)
            .setModelStore(store)
            .setToken(ApiToken.of(TOKEN))
            .optHost("127.0.0.1")
            .optPort(0)
            .start();
  }

  static Map<String, Object> provenance() {
    return Map.of(
        "strategy",
        Map.of("strategy", "fedavg"),
        "config",
        Map.of("model", "cnn", "dataset", "fashion-mnist", "rounds", 2));
  }

  @AfterAll
  static void stop() {
    open.close();
    closed.close();
    view.close();
    state.close();
    runtime.close();
  }

  /** Instances as the raw pixels of the test images, in the given layout. */
  static ObjectNode body(String layout) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode instances = body.putArray("instances");
    for (int i = 0; i < test.size(); i++) {
      ArrayNode img = instances.addArray();
      ArrayNode plane = layout.equals("chw") ? img.addArray() : img;
      for (int y = 0; y < 28; y++) {
        ArrayNode row = plane.addArray();
        for (int x = 0; x < 28; x++) {
          int v = test.rawPixel(i, y * 28 + x);
          if (layout.equals("hwc")) {
            row.addArray().add(v);
          } else {
            row.add(v);
          }
        }
      }
    }
    return body;
  }

  static HttpResponse<String> post(WebServer server, String path, Object body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    body instanceof String s ? s : JSON.writeValueAsString(body)));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(WebServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void assertMatches(float[][] expected, JsonNode predictions) {
    assertEquals(expected.length, predictions.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, predictions.get(i).size());
      double sum = 0;
      for (int k = 0; k < expected[i].length; k++) {
        assertEquals(
            expected[i][k],
            predictions.get(i).get(k).floatValue(),
            1e-5,
            "image " + i + " class " + k);
        sum += predictions.get(i).get(k).doubleValue();
      }
      assertEquals(1.0, sum, 1e-4, "probabilities of image " + i + " sum to 1");
    }
  }

  static int argmax(JsonNode row) {
    int best = 0;
    for (int k = 1; k < row.size(); k++) {
      if (row.get(k).doubleValue() > row.get(best).doubleValue()) {
        best = k;
      }
    }
    return best;
  }

  @Test
  void predictionsMatchTheRuntimeAndCentralEvaluation() throws Exception {
    float[][] expected = runtime.predict(round1, test, 5);
    EvaluateRes central = runtime.evaluate(round1, test, 5);

    HttpResponse<String> r = post(open, "/v1/models/lab.fmnist:predict", body("hw"), null);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("lab.fmnist.1", r.headers().firstValue("X-Fedge-Model").orElseThrow());
    JsonNode predictions = JSON.readTree(r.body()).get("predictions");
    assertMatches(expected, predictions);
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      correct += argmax(predictions.get(i)) == test.label(i) ? 1 : 0;
    }
    assertEquals(central.accuracy(), correct / (double) test.size(), 1e-9);
  }

  @Test
  void everyAcceptedLayoutGivesTheSamePredictions() throws Exception {
    JsonNode hw =
        JSON.readTree(post(open, "/v1/models/lab.fmnist.1:predict", body("hw"), null).body());
    JsonNode hwc =
        JSON.readTree(post(open, "/v1/models/lab.fmnist.1:predict", body("hwc"), null).body());
    JsonNode chw =
        JSON.readTree(post(open, "/v1/models/lab.fmnist.1:predict", body("chw"), null).body());

    assertEquals(hw, hwc);
    assertEquals(hw, chw);
  }

  @Test
  void aNewRoundIsServedAndPinnedRoundsStay() throws Exception {
    store.save(new ModelKey("lab", "fmnist", 2), round2, provenance());
    try {
      HttpResponse<String> latest = post(open, "/v1/models/lab.fmnist:predict", body("hw"), null);
      HttpResponse<String> pinned = post(open, "/v1/models/lab.fmnist.1:predict", body("hw"), null);
      JsonNode ready = JSON.readTree(get(open, "/v1/models/lab.fmnist").body());

      assertEquals("lab.fmnist.2", latest.headers().firstValue("X-Fedge-Model").orElseThrow());
      assertMatches(
          runtime.predict(round2, test, 12), JSON.readTree(latest.body()).get("predictions"));
      assertNotEquals(JSON.readTree(latest.body()), JSON.readTree(pinned.body()));
      assertMatches(
          runtime.predict(round1, test, 12), JSON.readTree(pinned.body()).get("predictions"));
      assertTrue(ready.get("ready").asBoolean());
      assertEquals("2", ready.get("version").asText());
    } finally {
      java.nio.file.Files.walk(store.folder(new ModelKey("lab", "fmnist", 2)))
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void readinessAndListing() throws Exception {
    HttpResponse<String> ready = get(open, "/v1/models/lab.fmnist.1");
    HttpResponse<String> missing = get(open, "/v1/models/lab.nothing");
    HttpResponse<String> list = get(open, "/v1/models");

    assertEquals(200, ready.statusCode());
    JsonNode r = JSON.readTree(ready.body());
    assertTrue(r.get("ready").asBoolean());
    assertEquals("lab.fmnist.1", r.get("name").asText());
    assertEquals("cnn", r.get("architecture").asText());
    assertEquals(10, r.get("classes").asInt());
    assertEquals(404, missing.statusCode());
    assertTrue(
        JSON.readTree(missing.body())
            .get("error")
            .asText()
            .startsWith("no model named 'lab.nothing'"));
    assertEquals(
        "lab.fmnist", JSON.readTree(list.body()).get("models").get(0).get("name").asText());
  }

  @Test
  void wrongShapeOrTypeIsA400SayingWhatWasExpected() throws Exception {
    String path = "/v1/models/lab.fmnist:predict";
    ObjectNode narrow = body("hw");
    ((ArrayNode) narrow.get("instances").get(0).get(5)).remove(0);
    ObjectNode text = body("hw");
    ((ArrayNode) text.get("instances").get(1).get(3)).set(4, JSON.getNodeFactory().textNode("x"));
    ObjectNode big = body("hw");
    ((ArrayNode) big.get("instances").get(0).get(0)).set(0, JSON.getNodeFactory().numberNode(256));
    ObjectNode cifar = JSON.createObjectNode();
    cifar.putArray("instances").addArray().add(1).add(2).add(3);

    HttpResponse<String> ragged = post(open, path, narrow, null);
    HttpResponse<String> string = post(open, path, text, null);
    HttpResponse<String> tooBig = post(open, path, big, null);
    HttpResponse<String> flat = post(open, path, cifar, null);
    HttpResponse<String> noInstances = post(open, path, "{\"inputs\": []}", null);
    HttpResponse<String> notJson = post(open, path, "instances", null);
    HttpResponse<String> noVerb = post(open, "/v1/models/lab.fmnist", body("hw"), null);

    assertEquals(400, ragged.statusCode());
    assertEquals(
        "instances[0][5][27]: missing: the nested arrays are not rectangular", error(ragged));
    assertEquals(400, string.statusCode());
    assertEquals(
        "instances[1][3][4]: expected a raw pixel value, an integer 0-255, got string" + " \"x\"",
        error(string));
    assertEquals(400, tooBig.statusCode());
    assertTrue(
        error(tooBig).startsWith("instances[0][0][0]: expected a raw pixel value"), error(tooBig));
    assertEquals(400, flat.statusCode());
    assertEquals(
        "instances[0]: expected an image of 28x28, 28x28x1 or 1x28x28 raw pixel values"
            + " (0-255) for model cnn, got nested arrays of shape 3",
        error(flat));
    assertEquals(400, noInstances.statusCode());
    assertEquals(
        "request body must have an \"instances\" array, got no \"instances\"", error(noInstances));
    assertEquals(400, notJson.statusCode());
    assertEquals(404, noVerb.statusCode());
  }

  @Test
  void predictionNeedsTheTokenUnlessOpen() throws Exception {
    HttpResponse<String> anonymous =
        post(closed, "/v1/models/lab.fmnist:predict", body("hw"), null);
    HttpResponse<String> withToken =
        post(closed, "/v1/models/lab.fmnist:predict", body("hw"), TOKEN);

    assertEquals(401, anonymous.statusCode());
    assertEquals(200, withToken.statusCode());
  }

  /** An Open Inference Protocol request, as a KServe V2 client sends it: one flat UINT8 tensor. */
  static ObjectNode v2Body(String id) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    ObjectNode in = body.putArray("inputs").addObject();
    in.put("name", "input");
    in.put("datatype", "UINT8");
    in.putArray("shape").add(test.size()).add(1).add(28).add(28);
    ArrayNode data = in.putArray("data");
    for (int i = 0; i < test.size(); i++) {
      for (int p = 0; p < 28 * 28; p++) {
        data.add(test.rawPixel(i, p));
      }
    }
    return body;
  }

  @Test
  void v2InferAnswersWhatV1Answers_forTheSameImages() throws Exception {
    HttpResponse<String> v1 = post(open, "/v1/models/lab.fmnist.1:predict", body("hw"), null);
    HttpResponse<String> v2 = post(open, "/v2/models/lab.fmnist.1/infer", v2Body("req-7"), null);

    assertEquals(200, v2.statusCode(), v2.body());
    JsonNode r = JSON.readTree(v2.body());
    assertEquals("lab.fmnist.1", r.get("model_name").asText());
    assertEquals("1", r.get("model_version").asText());
    assertEquals("req-7", r.get("id").asText());
    JsonNode out = r.get("outputs").get(0);
    assertEquals("probabilities", out.get("name").asText());
    assertEquals("FP32", out.get("datatype").asText());
    assertEquals(List.of(test.size(), 10),
        List.of(out.get("shape").get(0).asInt(), out.get("shape").get(1).asInt()));
    JsonNode predictions = JSON.readTree(v1.body()).get("predictions");
    JsonNode data = out.get("data");
    assertEquals(test.size() * 10, data.size());
    for (int i = 0; i < test.size(); i++) {
      for (int k = 0; k < 10; k++) {
        assertEquals(predictions.get(i).get(k).floatValue(), data.get(i * 10 + k).floatValue(),
            "image " + i + " class " + k + ": V2 gives exactly what V1 gives");
      }
    }
  }

  @Test
  void v2MetadataReadinessAndHealth_asAKserveClientReadsThem() throws Exception {
    JsonNode meta = JSON.readTree(get(open, "/v2/models/lab.fmnist").body());
    HttpResponse<String> ready = get(open, "/v2/models/lab.fmnist/ready");
    HttpResponse<String> missing = get(open, "/v2/models/lab.nothing");
    HttpResponse<String> health = get(closed, "/v2/health/ready");
    HttpResponse<String> live = get(closed, "/v2/health/live");

    assertEquals("lab.fmnist", meta.get("name").asText());
    assertEquals("UINT8", meta.get("inputs").get(0).get("datatype").asText());
    assertEquals("[-1,1,28,28]", meta.get("inputs").get(0).get("shape").toString());
    assertEquals("[-1,10]", meta.get("outputs").get(0).get("shape").toString());
    assertEquals(200, ready.statusCode());
    assertTrue(JSON.readTree(ready.body()).get("ready").asBoolean());
    assertEquals(404, missing.statusCode());
    assertTrue(error(missing).startsWith("no model named 'lab.nothing'"), missing.body());
    assertEquals(200, health.statusCode(), "health needs no token");
    assertTrue(JSON.readTree(health.body()).get("ready").asBoolean());
    assertEquals(200, live.statusCode());
  }

  @Test
  void v2BadTensors_areA400SayingWhatIsWrong_andInferNeedsTheToken() throws Exception {
    ObjectNode count = v2Body("a");
    ((ArrayNode) count.get("inputs").get(0).get("data")).remove(0);
    ObjectNode bytes = v2Body("b");
    ((ObjectNode) bytes.get("inputs").get(0)).put("datatype", "BYTES");
    ObjectNode pixel = v2Body("c");
    ((ArrayNode) pixel.get("inputs").get(0).get("data")).set(3, JSON.getNodeFactory().numberNode(300));

    HttpResponse<String> short1 = post(open, "/v2/models/lab.fmnist/infer", count, null);
    HttpResponse<String> text = post(open, "/v2/models/lab.fmnist/infer", bytes, null);
    HttpResponse<String> big = post(open, "/v2/models/lab.fmnist/infer", pixel, null);
    HttpResponse<String> none = post(open, "/v2/models/lab.fmnist/infer", "{\"instances\": []}",
        null);
    HttpResponse<String> anonymous = post(closed, "/v2/models/lab.fmnist/infer", v2Body("d"), null);
    HttpResponse<String> withToken = post(closed, "/v2/models/lab.fmnist/infer", v2Body("e"),
        TOKEN);

    assertEquals(400, short1.statusCode());
    assertEquals("inputs[0].data has " + (test.size() * 784 - 1) + " values, shape ["
        + test.size() + ",1,28,28] needs " + test.size() * 784, error(short1));
    assertEquals(400, text.statusCode());
    assertEquals("inputs[0].datatype must be a numeric type such as UINT8 or FP32, got 'BYTES'",
        error(text));
    assertEquals(400, big.statusCode());
    assertTrue(error(big).startsWith("instances[0][0][0][3]: expected a raw pixel value"),
        error(big));
    assertEquals(400, none.statusCode());
    assertEquals(401, anonymous.statusCode());
    assertEquals(200, withToken.statusCode());
  }

  static HttpResponse<String> send(WebServer server, String method, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aliases_setMovedRolledBackAndRemoved_predictionFollows_andEachChangeIsAnEvent()
      throws Exception {
    store.save(new ModelKey("lab", "aliased", 1), round1, provenance());
    store.save(new ModelKey("lab", "aliased", 2), round2, provenance());
    String base = "/api/v1/models/lab/aliased/aliases";
    int before = state.events(EventRecord.ALIAS_CHANGED).size();
    try (WebServer web = WebServer.builder().setView(view).setModelStore(store)
        .setToken(ApiToken.of(TOKEN)).optHost("127.0.0.1").optPort(0)
        .optEvents((kind, message) -> state.event(kind, null, null, null, message)).start()) {
      HttpResponse<String> set = send(web, "PUT", base + "/production", "{\"round\": 1}");
      HttpResponse<String> moved = send(web, "PUT", base + "/production", "{\"round\": 2}");
      HttpResponse<String> onTwo = post(web, "/v1/models/lab.aliased.production:predict",
          body("hw"), TOKEN);
      HttpResponse<String> listed = send(web, "GET", base, null);
      HttpResponse<String> back = send(web, "POST", base + "/production/rollback", null);
      HttpResponse<String> onOne = post(web, "/v1/models/lab.aliased.production:predict",
          body("hw"), TOKEN);
      HttpResponse<String> again = send(web, "POST", base + "/production/rollback", null);
      HttpResponse<String> unknownRound = send(web, "PUT", base + "/staging", "{\"round\": 9}");
      HttpResponse<String> badName = send(web, "PUT", base + "/Prod!", "{\"round\": 1}");
      HttpResponse<String> latest = send(web, "PUT", base + "/latest", "{\"round\": 1}");
      HttpResponse<String> removed = send(web, "DELETE", base + "/production", null);
      HttpResponse<String> gone = post(web, "/v1/models/lab.aliased.production:predict",
          body("hw"), TOKEN);

      assertEquals(200, set.statusCode(), set.body());
      assertEquals("{\"alias\":\"production\",\"round\":1,\"previous\":null}", set.body());
      assertEquals("{\"alias\":\"production\",\"round\":2,\"previous\":1}", moved.body());
      assertEquals("lab.aliased.2", onTwo.headers().firstValue("X-Fedge-Model").orElseThrow());
      assertMatches(runtime.predict(round2, test, 12),
          JSON.readTree(onTwo.body()).get("predictions"));
      assertEquals("{\"production\":2}", listed.body());
      assertEquals("{\"alias\":\"production\",\"round\":1,\"previous\":2}", back.body());
      assertEquals("lab.aliased.1", onOne.headers().firstValue("X-Fedge-Model").orElseThrow());
      assertMatches(runtime.predict(round1, test, 12),
          JSON.readTree(onOne.body()).get("predictions"));
      assertEquals(409, again.statusCode());
      assertEquals("alias 'production' of lab/aliased has named only round 1: nothing to roll"
          + " back to", error(again));
      assertEquals(404, unknownRound.statusCode());
      assertTrue(error(unknownRound).startsWith("no model lab/aliased/9 in the registry"),
          unknownRound.body());
      assertEquals(400, badName.statusCode());
      assertEquals(400, latest.statusCode());
      assertEquals(200, removed.statusCode());
      assertEquals(404, gone.statusCode(), "a removed alias names nothing");
      List<String> events = state.events(EventRecord.ALIAS_CHANGED).stream()
          .skip(before).map(EventRecord::message).toList();
      assertEquals(List.of("alias 'production' of lab/aliased set to round 1",
          "alias 'production' of lab/aliased moved from round 1 to round 2",
          "alias 'production' of lab/aliased rolled back from round 2 to round 1",
          "alias 'production' of lab/aliased removed (it named round 1)"), events);
    } finally {
      try (var files = java.nio.file.Files.walk(store.root().resolve("lab/aliased"))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("error").asText();
  }
}

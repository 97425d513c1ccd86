package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.view.StateDbView;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A request body over the limit is answered 413 with one JSON error, and the server goes on. */
@Timeout(120)
class BodyLimitTest {

  private static final int FIFTY_MB = 50 * 1000 * 1000;

  @TempDir Path dir;
  StateStore state;
  StateDbView view;
  WebServer server;
  Http http;

  @BeforeEach
  void start() throws Exception {
    state = StateStore.open(dir.resolve("state/fedge.db"));
    view = new StateDbView(state.db(), (id, lastSeen) -> false);
    ModelStore store = new ModelStore(dir.resolve("models"));
    store.save(new ModelKey("lab", "fmnist", 1), WebServerTest.tinyModel(1), Map.of());
    server =
        WebServer.builder()
            .setView(view)
            .setModelStore(store)
            .setToken(ApiToken.of(WebServerTest.TOKEN))
            .optHost("127.0.0.1")
            .optPort(0)
            .start();
    http = new Http(server.uri(), WebServerTest.TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
    view.close();
    state.close();
  }

  /** A 50 MB prediction body: most of it the instances array, valid JSON as a whole. */
  private static byte[] fiftyMegabytesOfJson() {
    byte[] body = new byte[FIFTY_MB];
    Arrays.fill(body, (byte) ' ');
    byte[] open = "{\"instances\": [".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(open, 0, body, 0, open.length);
    body[body.length - 2] = ']';
    body[body.length - 1] = '}';
    return body;
  }

  @Test
  void fiftyMegabyteBodyWithLength_is413NamingTheLimit_andTheServerStillAnswers()
      throws Exception {
    HttpResponse<String> r =
        http.client()
            .send(
                http.request("/v1/models/lab.fmnist:predict")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(fiftyMegabytesOfJson()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertTooLarge(r);
    assertServerStillAnswers();
  }

  @Test
  void fiftyMegabyteChunkedBody_is413NamingTheLimit_andTheServerStillAnswers()
      throws Exception {
    byte[] body = fiftyMegabytesOfJson();
    HttpResponse<String> r =
        http.client()
            .send(
                http.request("/v1/models/lab.fmnist:predict")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertTooLarge(r);
    assertServerStillAnswers();
  }

  private static void assertTooLarge(HttpResponse<String> r) throws Exception {
    assertEquals(413, r.statusCode(), r.body());
    assertEquals(1, r.body().strip().lines().count(), r.body());
    JsonNode error = Http.JSON.readTree(r.body()).get("error");
    assertTrue(
        error.asText().contains("limit of " + WebServer.DEFAULT_MAX_REQUEST_BYTES + " bytes"),
        r.body());
  }

  private void assertServerStillAnswers() throws Exception {
    HttpResponse<String> ok = http.get("/api/v1/models");
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("lab.fmnist"), ok.body());
  }
}

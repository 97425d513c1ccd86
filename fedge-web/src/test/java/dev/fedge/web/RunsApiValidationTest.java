package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/runs} through the real run control: bad settings are 400s before any run. */
class RunsApiValidationTest {

  private static final String TOKEN = "runs-api-token-0123456789";

  @TempDir Path dir;
  FederationServer fed;
  StateDbView view;
  FederationRunControl control;
  WebServer web;
  Http http;

  @BeforeEach
  void start() throws Exception {
    fed = FederationServer.start(FederationServer.Settings.local(dir, 0), spec -> {
      throw new java.io.IOException("no data in this test");
    }, null);
    view = new StateDbView(fed.state().db(), DeviceStatus.of(fed.registry()));
    RunSpec template = new RunSpec("cli-run", "lab", "cli-run", 5, 2, 1, Duration.ofSeconds(60),
        "float32", Map.of("strategy", "fedavg", "dataset", "mnist"));
    control = new FederationRunControl(fed, template, view, null);
    web = WebServer.builder().setView(view).setModelStore(new ModelStore(dir.resolve("m")))
        .setToken(ApiToken.of(TOKEN)).optRunControl(control).optHost("127.0.0.1").optPort(0)
        .start();
    http = new Http(web.uri(), TOKEN);
  }

  @AfterEach
  void stop() {
    web.close();
    control.close();
    view.close();
    fed.close();
  }

  @Test
  void negativeLr_is400WithTheValidationMessage_andStartsNoRun() throws Exception {
    HttpResponse<String> r = http.post("/api/v1/runs", "{\"id\": \"bad\", \"lr\": -1}");

    assertEquals(400, r.statusCode(), r.body());
    assertEquals("lr must be > 0, got -1.0", Http.json(r).get("error").asText());
    assertEquals(0, Http.json(http.get("/api/v1/runs")).size());
  }

  @Test
  void zeroLocalEpochs_andAnUnknownKey_are400s() throws Exception {
    HttpResponse<String> epochs = http.post("/api/v1/runs", "{\"local-epochs\": 0}");
    HttpResponse<String> underscore = http.post("/api/v1/runs", "{\"local_epochs\": 2}");

    assertEquals(400, epochs.statusCode(), epochs.body());
    assertEquals("local-epochs must be >= 1, got 0", Http.json(epochs).get("error").asText());
    assertEquals(400, underscore.statusCode(), underscore.body());
    assertEquals(true, Http.json(underscore).get("error").asText()
        .startsWith("unknown setting 'local_epochs' (did you mean 'local-epochs'?); known settings: id,"));
  }
}

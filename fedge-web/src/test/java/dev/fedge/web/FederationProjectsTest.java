package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.server.FederationServer;
import dev.fedge.server.ToyDevice;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects on one real federation (gRPC devices, SQLite state, HTTP API): devices enroll with
 * their project's enroll token issued through the API, a run started with alpha's token trains
 * only on alpha's device, and beta's token does not see alpha's device.
 */
@Timeout(180)
class FederationProjectsTest {

  static final String ADMIN = "admin-token-0123456789abcdef";

  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  static String secret(HttpResponse<String> r) throws Exception {
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("token").asText();
  }

  @Test
  void projectsRun_trainsOnlyOnItsDevice_andTheOtherProjectDoesNotSeeIt() throws Exception {
    FederationServer server = keep(FederationServer.start(FederationServer.Settings.local(dir, 0),
        FederationDashboardTest.toyRuns(), s -> {}));
    StateDbView view = keep(new StateDbView(server.state().db(),
        DeviceStatus.of(server.registry())));
    ProjectStore projects = keep(ProjectStore.open(server.state().db()));
    FederationRunControl control = keep(new FederationRunControl(server, new RunSpec("template",
        "lab", "toy", 2, 1, 1, Duration.ofSeconds(60), "float32", Map.of("strategy", "fedavg")),
        view, s -> {}));
    WebServer web = keep(WebServer.builder().setView(view).setModelStore(server.models())
        .setToken(ApiToken.of(ADMIN)).optProjects(projects).optRunControl(control)
        .optHost("127.0.0.1").optPort(0).optPollInterval(Duration.ofMillis(100)).start());
    Http admin = new Http(web.uri(), ADMIN);
    Map<String, Http> member = new HashMap<>();
    Map<String, String> enroll = new HashMap<>();
    for (String p : List.of("alpha", "beta")) {
      assertEquals(201, admin.post("/api/v1/projects", "{\"name\": \"" + p + "\"}").statusCode());
      Http owner = admin.withToken(secret(admin.post("/api/v1/projects/" + p + "/tokens",
          "{\"role\": \"owner\", \"name\": \"owner\"}")));
      member.put(p, owner);
      // the project's owner issues its enroll token
      enroll.put(p, secret(owner.post("/api/v1/projects/" + p + "/enroll-tokens",
          "{\"name\": \"pis\"}")));
    }
    Semaphore gate = new Semaphore(1000);
    keep(ToyDevice.builder(server.port(), "pi-alpha")
        .deviceClass("raspberry-pi").temperature(50).gate(gate)
        .enrollToken(enroll.get("alpha")).start());
    keep(ToyDevice.builder(server.port(), "pi-beta")
        .deviceClass("raspberry-pi").temperature(50).gate(gate)
        .enrollToken(enroll.get("beta")).start());
    assertTrue(server.registry().awaitAvailable(2, Duration.ofSeconds(60)));
    Map<String, String> ids = new HashMap<>();
    server.state().devices().forEach(d -> ids.put(d.name(), d.id()));

    HttpResponse<String> started = member.get("alpha").post("/api/v1/runs",
        "{\"id\": \"run-alpha\", \"rounds\": 2}");
    assertEquals(201, started.statusCode(), started.body());
    long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String status = "";
    while (System.nanoTime() < until) {
      status = Http.json(member.get("alpha").get("/api/v1/runs/run-alpha")).get("status").asText();
      if (!status.equals(RunRecord.RUNNING)) {
        break;
      }
      Thread.sleep(50);
    }

    assertEquals(RunRecord.FINISHED, status);
    for (int round = 1; round <= 2; round++) {
      JsonNode r = Http.json(member.get("alpha").get("/api/v1/runs/run-alpha/rounds/" + round));
      assertEquals("[\"" + ids.get("pi-alpha") + "\"]", r.get("participants").toString(),
          "round " + round);
    }
    String betaDevices = member.get("beta").get("/api/v1/devices").body();
    assertTrue(betaDevices.contains("pi-beta"), betaDevices);
    assertFalse(betaDevices.contains("pi-alpha"), betaDevices);
    assertEquals(404, member.get("beta").get("/api/v1/devices/" + ids.get("pi-alpha"))
        .statusCode());
    String alphaDevices = member.get("alpha").get("/api/v1/devices").body();
    assertTrue(alphaDevices.contains("pi-alpha") && !alphaDevices.contains("pi-beta"),
        alphaDevices);
  }
}

package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.Telemetry;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.view.StateDbView;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two projects on one real server (real HTTP, a real SQLite state file, a real model store): every
 * route the server registers is tried with each project's tokens against its own and the other
 * project's things. A route that this test has no case for fails it.
 */
class ProjectsTest {

  static final String ADMIN = "admin-token-0123456789abcdef";

  @TempDir Path dir;
  StateStore state;
  StateDbView view;
  StateFixture fx;
  ProjectStore projects;
  ModelStore store;
  WebServer server;
  Http admin;

  @BeforeEach
  void start() throws Exception {
    state = StateStore.open(dir.resolve("state/fedge.db"));
    view = new StateDbView(state.db(), (id, lastSeen) -> true);
    fx = new StateFixture(state, view);
    projects = ProjectStore.open(state.db());
    store = new ModelStore(dir.resolve("models"));
    server = WebServer.builder().setView(view).setModelStore(store).setToken(ApiToken.of(ADMIN))
        .optProjects(projects).optRunControl(fx).optHost("127.0.0.1").optPort(0)
        .optPollInterval(Duration.ofMillis(50)).start();
    admin = new Http(server.uri(), ADMIN);
    // the default project's things, from before projects
    fx.device("pi-1", "raspberry-pi", new Telemetry(50, 1L << 30, 0.5, System.currentTimeMillis()));
    fx.run("run-a", 3);
    state.setStatus("run-a", RunRecord.FINISHED);
    store.save(new ModelKey("lab", "fmnist", 1), WebServerTest.tinyModel(1), Map.of());
    for (String p : List.of("alpha", "beta")) {
      assertEquals(201, admin.post("/api/v1/projects", "{\"name\": \"" + p + "\"}").statusCode());
      fx.run(new RunSpec("run-" + p, p, "m", 3, 1, 1, Duration.ofSeconds(30), "float32",
          Map.of("strategy", "fedavg")));
      projects.assignRun("run-" + p, p);
      state.event(EventRecord.RUN_STARTED, "run-" + p, null, null, "run run-" + p + " started");
      fx.device("dev-" + p, "generic", new Telemetry(40, 1L << 30, 0.5,
          System.currentTimeMillis()));
      projects.assignDevice("dev-" + p, p);
      projects.issueEnrollToken(p, "spare");
      fx.round("run-" + p, 1, 0.5, 1.0, List.of("dev-" + p), List.of(), 1.0);
      store.save(new ModelKey(p, "m", 1), WebServerTest.tinyModel(1), Map.of());
      store.save(new ModelKey(p, "m", 2), WebServerTest.tinyModel(2), Map.of());
    }
    state.setStatus("run-beta", RunRecord.FINISHED);
  }

  @AfterEach
  void stop() {
    server.close();
    view.close();
    projects.close();
    state.close();
  }

  String issue(String project, String role, String name) throws Exception {
    HttpResponse<String> r = admin.post("/api/v1/projects/" + project + "/tokens",
        "{\"role\": \"" + role + "\", \"name\": \"" + name + "\"}");
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).get("token").asText();
  }

  HttpResponse<String> send(Http http, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = http.request(path).header("Content-Type", "application/json");
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body);
    return http.client().send(b.method(method, p).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * One route: a request for alpha's own thing and one for beta's (null for a route without a
   * project's thing in its path); ownerStatus is what alpha's owner gets for its own (0: what the
   * administrator gets); a change is refused to viewers.
   */
  record Case(String route, String mine, String theirs, String body, int ownerStatus) {
    String method() {
      return route.substring(0, route.indexOf(' '));
    }

    boolean change() {
      return Set.of("POST", "PUT", "DELETE").contains(method())
          && !route.startsWith("POST /v1/") && !route.startsWith("POST /v2/");
    }
  }

  static List<Case> cases() {
    String predict = "{\"instances\": [[0.0, 0.0, 0.0, 0.0]]}";
    List<Case> c = new ArrayList<>();
    c.add(new Case("GET /api/v1", "/api/v1", null, null, 0));
    c.add(new Case("GET /api/v1/devices", "/api/v1/devices", null, null, 0));
    c.add(new Case("GET /api/v1/devices/{id}", "/api/v1/devices/dev-alpha",
        "/api/v1/devices/dev-beta", null, 0));
    c.add(new Case("GET /api/v1/fleet-profile", "/api/v1/fleet-profile", null, null, 0));
    c.add(new Case("GET /api/v1/runs", "/api/v1/runs", null, null, 0));
    c.add(new Case("GET /api/v1/runs/{id}", "/api/v1/runs/run-alpha", "/api/v1/runs/run-beta",
        null, 0));
    c.add(new Case("GET /api/v1/runs/{id}/rounds", "/api/v1/runs/run-alpha/rounds",
        "/api/v1/runs/run-beta/rounds", null, 0));
    c.add(new Case("GET /api/v1/runs/{id}/rounds/{round}", "/api/v1/runs/run-alpha/rounds/1",
        "/api/v1/runs/run-beta/rounds/1", null, 0));
    c.add(new Case("GET /api/v1/runs/{id}/steps", "/api/v1/runs/run-alpha/steps",
        "/api/v1/runs/run-beta/steps", null, 0));
    c.add(new Case("POST /api/v1/runs/{id}/stop", "/api/v1/runs/run-alpha/stop",
        "/api/v1/runs/run-beta/stop", "{}", 202));
    c.add(new Case("POST /api/v1/runs", "/api/v1/runs", null, "{\"rounds\": 2}", 201));
    c.add(new Case("GET /api/v1/events", "/api/v1/events", null, null, 0));
    c.add(new Case("GET /api/v1/stream", "/api/v1/stream", null, null, 403));
    c.add(new Case("GET /api/v1/models", "/api/v1/models", null, null, 0));
    c.add(new Case("GET /api/v1/models/{group}", "/api/v1/models/alpha", "/api/v1/models/beta",
        null, 0));
    c.add(new Case("GET /api/v1/models/{group}/{project}", "/api/v1/models/alpha/m",
        "/api/v1/models/beta/m", null, 0));
    c.add(new Case("GET /api/v1/models/{group}/{project}/{round}", "/api/v1/models/alpha/m/1",
        "/api/v1/models/beta/m/1", null, 0));
    c.add(new Case("GET /api/v1/models/{group}/{project}/{round}/model.safetensors",
        "/api/v1/models/alpha/m/latest/model.safetensors",
        "/api/v1/models/beta/m/latest/model.safetensors", null, 0));
    String aliases = "/api/v1/models/%s/m/aliases";
    c.add(new Case("PUT /api/v1/models/{group}/{project}/aliases/{alias}",
        aliases.formatted("alpha") + "/production", aliases.formatted("beta") + "/production",
        "{\"round\": 1}", 200));
    c.add(new Case("GET /api/v1/models/{group}/{project}/aliases", aliases.formatted("alpha"),
        aliases.formatted("beta"), null, 0));
    c.add(new Case("POST /api/v1/models/{group}/{project}/aliases/{alias}/rollback",
        aliases.formatted("alpha") + "/production/rollback",
        aliases.formatted("beta") + "/production/rollback", "{}", 0));
    c.add(new Case("DELETE /api/v1/models/{group}/{project}/aliases/{alias}",
        aliases.formatted("alpha") + "/production", aliases.formatted("beta") + "/production",
        null, 200));
    c.add(new Case("GET /api/v1/projects", "/api/v1/projects", null, null, 0));
    c.add(new Case("POST /api/v1/projects", "/api/v1/projects", null, "{\"name\": \"gamma\"}",
        403));
    c.add(new Case("GET /api/v1/projects/{project}", "/api/v1/projects/alpha",
        "/api/v1/projects/beta", null, 0));
    c.add(new Case("GET /api/v1/projects/{project}/tokens", "/api/v1/projects/alpha/tokens",
        "/api/v1/projects/beta/tokens", null, 0));
    c.add(new Case("POST /api/v1/projects/{project}/tokens", "/api/v1/projects/alpha/tokens",
        "/api/v1/projects/beta/tokens", "{\"role\": \"viewer\", \"name\": \"extra\"}", 201));
    c.add(new Case("DELETE /api/v1/projects/{project}/tokens/{name}",
        "/api/v1/projects/alpha/tokens/spare", "/api/v1/projects/beta/tokens/owner", null, 200));
    c.add(new Case("GET /api/v1/projects/{project}/enroll-tokens",
        "/api/v1/projects/alpha/enroll-tokens", "/api/v1/projects/beta/enroll-tokens", null, 0));
    c.add(new Case("POST /api/v1/projects/{project}/enroll-tokens",
        "/api/v1/projects/alpha/enroll-tokens", "/api/v1/projects/beta/enroll-tokens",
        "{\"name\": \"lab-pis\"}", 201));
    c.add(new Case("DELETE /api/v1/projects/{project}/enroll-tokens/{name}",
        "/api/v1/projects/alpha/enroll-tokens/spare", "/api/v1/projects/beta/enroll-tokens/spare",
        null, 200));
    c.add(new Case("GET /v1/models", "/v1/models", null, null, 0));
    c.add(new Case("GET /v1/models/{name}", "/v1/models/alpha.m", "/v1/models/beta.m", null, 0));
    c.add(new Case("POST /v1/models/{name}", "/v1/models/alpha.m:predict",
        "/v1/models/beta.m:predict", predict, 0));
    c.add(new Case("GET /v2/health/live", "/v2/health/live", null, null, 0));
    c.add(new Case("GET /v2/health/ready", "/v2/health/ready", null, null, 0));
    c.add(new Case("GET /v2", "/v2", null, null, 0));
    c.add(new Case("GET /v2/models/{name}", "/v2/models/alpha.m", "/v2/models/beta.m", null, 0));
    c.add(new Case("GET /v2/models/{name}/ready", "/v2/models/alpha.m/ready",
        "/v2/models/beta.m/ready", null, 0));
    c.add(new Case("POST /v2/models/{name}/infer", "/v2/models/alpha.m/infer",
        "/v2/models/beta.m/infer", "{\"inputs\": []}", 0));
    c.add(new Case("GET /healthz", "/healthz", null, null, 0));
    c.add(new Case("GET /", "/", null, null, 0));
    c.add(new Case("GET /assets/{file}", "/assets/app.js", null, null, 0));
    c.add(new Case("GET /metrics", "/metrics", null, null, 403));
    return c;
  }

  @Test
  void everyRoute_keepsEachProjectToItsOwnThings() throws Exception {
    Http owner = admin.withToken(issue("alpha", "owner", "owner"));
    Http viewer = admin.withToken(issue("alpha", "viewer", "viewer"));
    issue("alpha", "member", "spare");
    Http betaOwner = admin.withToken(issue("beta", "owner", "owner"));
    Map<String, Case> byRoute = new LinkedHashMap<>();
    cases().forEach(c -> byRoute.put(c.route(), c));

    List<String> untested = server.routes().stream().filter(r -> !byRoute.containsKey(r))
        .toList();
    assertEquals(List.of(), untested, "routes without a case in this test");

    for (Case c : cases()) {
      String what = c.route() + " as alpha's ";
      if (c.theirs() != null) {
        HttpResponse<String> other = send(owner, c.method(), c.theirs(), c.body());
        assertEquals(404, other.statusCode(), what + "owner on beta's: " + other.body());
        assertFalse(other.body().contains("\"beta\""), other.body());
        if (!c.change()) {
          HttpResponse<String> asAdmin = send(admin, c.method(), c.theirs(), c.body());
          assertNotEquals(404, asAdmin.statusCode(), c.route() + " as admin: " + asAdmin.body());
        }
      }
      if (c.change()) {
        HttpResponse<String> v = send(viewer, c.method(), c.mine(), c.body());
        assertEquals(403, v.statusCode(), what + "viewer: " + v.body());
      }
      HttpResponse<String> mine = send(owner, c.method(), c.mine(), c.body());
      int expected = c.ownerStatus() != 0 ? c.ownerStatus()
          : send(admin, c.method(), c.mine(), c.body()).statusCode();
      assertEquals(expected, mine.statusCode(), what + "owner: " + mine.body());
      assertFalse(mine.body().contains("beta"), what + "owner sees beta's: " + mine.body());
      assertFalse(mine.body().contains("pi-1") || mine.body().contains("run-a\""),
          what + "owner sees the default project's: " + mine.body());
    }
  }

  @Test
  void lists_holdOnlyTheCallersProject() throws Exception {
    Http alpha = admin.withToken(issue("alpha", "member", "ci"));
    Http beta = admin.withToken(issue("beta", "member", "ci"));

    assertEquals(List.of("run-alpha"), ids(alpha.get("/api/v1/runs"), "id"));
    assertEquals(List.of("run-beta"), ids(beta.get("/api/v1/runs"), "id"));
    assertEquals(List.of("dev-alpha"), ids(alpha.get("/api/v1/devices"), "id"));
    assertEquals(List.of("alpha.m"), ids(alpha.get("/api/v1/models"), "name"));
    assertEquals(List.of("alpha"), ids(alpha.get("/api/v1/projects"), "name"));
    assertTrue(ids(admin.get("/api/v1/runs"), "id").containsAll(
        List.of("run-a", "run-alpha", "run-beta")), "the administrator sees every project's runs");
    assertTrue(ids(admin.get("/api/v1/devices"), "id").containsAll(
        List.of("pi-1", "dev-alpha", "dev-beta")));
    String events = alpha.get("/api/v1/events").body();
    assertTrue(events.contains("run-alpha") && events.contains("dev-alpha"), events);
    assertFalse(events.contains("beta") || events.contains("pi-1"), events);

    state.setStatus("run-alpha", RunRecord.FINISHED);
    HttpResponse<String> taken = alpha.post("/api/v1/runs", "{\"project\": \"fmnist\"}");
    assertEquals(409, taken.statusCode(), taken.body());
    assertEquals("run setting 'project' is 'fmnist', a model store project that another project's"
        + " models are in: choose another", error(taken));
    HttpResponse<String> started = alpha.post("/api/v1/runs", "{\"rounds\": 2}");
    assertEquals(201, started.statusCode(), started.body());
    String id = Http.json(started).get("id").asText();
    assertEquals(200, alpha.get("/api/v1/runs/" + id).statusCode());
    assertEquals(404, beta.get("/api/v1/runs/" + id).statusCode());
  }

  @Test
  void unknownAndRevokedTokens_get401_andTheSecretIsShownOnce() throws Exception {
    String secret = issue("alpha", "owner", "laptop");
    Http alpha = admin.withToken(secret);
    assertEquals(200, alpha.get("/api/v1/runs").statusCode());
    assertFalse(admin.get("/api/v1/projects/alpha/tokens").body().contains(secret));

    HttpResponse<String> revoked = send(admin, "DELETE", "/api/v1/projects/alpha/tokens/laptop",
        null);
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertFalse(Http.json(revoked).get("revoked").isNull());

    for (Case c : cases()) {
      if (Set.of("/healthz", "/", "/v2/health/live", "/v2/health/ready").contains(c.mine())
          || c.mine().startsWith("/assets/")) {
        continue;
      }
      assertEquals(401, send(alpha, c.method(), c.mine(), c.body()).statusCode(), c.route());
      assertEquals(401, send(admin.withToken("fdg_not-a-token-at-all"), c.method(), c.mine(),
          c.body()).statusCode(), c.route());
    }
  }

  @Test
  void encodedNames_areCheckedAsTheNamesTheyStandFor() throws Exception {
    Http beta = admin.withToken(issue("beta", "owner", "ci"));
    Http dflt = admin.withToken(issue("default", "owner", "ci"));

    assertEquals(404, beta.get("/api/v1/runs/run-%61lpha").statusCode());
    assertEquals(404, beta.get("/api/v1/models/%61lpha/m/1").statusCode());
    assertEquals(404, dflt.get("/api/v1/models/%61lpha/m/1").statusCode());
    assertEquals(404, dflt.get("/v2/models/%61lpha.m").statusCode());
    assertEquals(200, admin.get("/api/v1/models/%61lpha/m/1").statusCode());
    assertEquals(200, beta.get("/api/v1/models/b%65ta/m/1").statusCode());
  }

  @Test
  void badInput_isAnsweredInOneLine() throws Exception {
    HttpResponse<String> role = admin.post("/api/v1/projects/alpha/tokens",
        "{\"role\": \"admin\", \"name\": \"x\"}");
    HttpResponse<String> name = admin.post("/api/v1/projects", "{\"name\": \"a b\"}");
    HttpResponse<String> twice = admin.post("/api/v1/projects", "{\"name\": \"alpha\"}");
    HttpResponse<String> none = admin.post("/api/v1/projects/nope/tokens",
        "{\"role\": \"owner\", \"name\": \"x\"}");

    assertEquals(400, role.statusCode());
    assertEquals("role must be owner, member or viewer, got 'admin'", error(role));
    assertEquals(400, name.statusCode());
    assertTrue(error(name).endsWith("got 'a b'"), name.body());
    assertEquals(409, twice.statusCode());
    assertEquals("project 'alpha' exists", error(twice));
    assertEquals(404, none.statusCode());
    assertEquals("no project 'nope'", error(none));
  }

  static String error(HttpResponse<String> r) throws Exception {
    return Http.json(r).get("error").asText();
  }

  static List<String> ids(HttpResponse<String> r, String field) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    List<String> out = new ArrayList<>();
    for (JsonNode n : Http.json(r)) {
      out.add(n.get(field).asText());
    }
    return out;
  }
}

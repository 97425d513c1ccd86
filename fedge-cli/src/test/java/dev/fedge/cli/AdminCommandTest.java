package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.ApiToken;
import dev.fedge.web.WebServer;
import dev.fedge.web.view.StateDbView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge admin} against a real server over HTTP, on a real SQLite state file. */
class AdminCommandTest {

  static final String ADMIN = "admin-token-0123456789abcdef";

  @TempDir Path dir;
  StateStore state;
  StateDbView view;
  ProjectStore projects;
  WebServer web;
  String url;

  @BeforeEach
  void start() {
    state = StateStore.open(dir.resolve("fedge.db"));
    view = new StateDbView(state.db(), (id, seen) -> true);
    projects = ProjectStore.open(state.db());
    web = WebServer.builder().setView(view).setModelStore(new ModelStore(dir.resolve("models")))
        .setToken(ApiToken.of(ADMIN)).optProjects(projects).optHost("127.0.0.1").optPort(0)
        .start();
    url = "http://127.0.0.1:" + web.port();
  }

  @AfterEach
  void stop() {
    web.close();
    view.close();
    projects.close();
    state.close();
  }

  CliRun admin(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--server";
    all[args.length + 2] = url;
    all[args.length + 3] = "--token";
    all[args.length + 4] = ADMIN;
    return CliRun.of(all);
  }

  int status(String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs"))
        .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void createProject_issueToken_revokeIt() throws Exception {
    CliRun created = admin("project", "create", "lab-a");
    CliRun token = admin("token", "create", "--project", "lab-a", "--role", "viewer",
        "--name", "ci");
    String secret = token.out().trim();
    int before = status(secret);
    CliRun list = admin("project", "list");
    CliRun quota = admin("project", "create", "lab-b", "--quota", "1000000");
    CliRun revoked = admin("token", "revoke", "--project", "lab-a", "--name", "ci");

    assertEquals(0, created.code(), created.err());
    assertEquals("created project lab-a\n", created.out());
    assertEquals(0, token.code(), token.err());
    assertTrue(secret.startsWith(ProjectStore.SECRET_PREFIX), token.out());
    assertTrue(token.err().contains("viewer token 'ci' of project 'lab-a'"), token.err());
    assertEquals(200, before);
    assertEquals(0, list.code(), list.err());
    assertEquals(2, list.out().lines().count(), list.out());
    assertTrue(list.out().contains("lab-a\t") && list.out().contains("default\t"), list.out());
    assertEquals("created project lab-b (quota 1000000 bytes)\n", quota.out());
    assertEquals(1_000_000L, projects.project("lab-b").orElseThrow().quotaBytes());
    assertEquals(0, revoked.code(), revoked.err());
    assertEquals(401, status(secret));
  }

  @Test
  void errors_areOneLineWithTheServersReason() {
    CliRun twice = admin("project", "create", "default");
    CliRun role = admin("token", "create", "--project", "default", "--role", "admin",
        "--name", "x");
    CliRun wrong = CliRun.of("admin", "project", "list", "--server", url, "--token",
        "wrong-token-0123456789");
    CliRun down = CliRun.of("admin", "project", "list", "--server", "http://127.0.0.1:1",
        "--token", ADMIN);

    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("answered 409: project 'default' exists"), twice.err());
    assertEquals(1, twice.errLines(), twice.err());
    assertEquals(2, role.code());
    assertTrue(role.err().contains("role must be owner, member or viewer, got 'admin'"),
        role.err());
    assertEquals(1, wrong.code());
    assertTrue(wrong.err().contains("answered 401"), wrong.err());
    assertEquals(3, down.code());
    assertTrue(down.err().contains("cannot reach the server at http://127.0.0.1:1"), down.err());
  }
}

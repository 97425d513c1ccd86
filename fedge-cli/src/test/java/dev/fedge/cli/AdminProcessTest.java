package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code fedge server} process, and {@code fedge admin} against it: a project created and a
 * token issued through the command see none of the default project's run.
 */
@Timeout(180)
class AdminProcessTest {

  static final String ADMIN = "admin-token-0123456789abcdef";

  @TempDir Path dir;

  static HttpResponse<String> get(String url, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void fedgeServer_servesProjectsAndTokens() throws Exception {
    int port = FederationProcessTest.freePort();
    int http = FederationProcessTest.freePort();
    String url = "http://127.0.0.1:" + http;
    // two clients are needed for a round and none comes: the server waits, its API answers
    try (FedgeProcess server = FedgeProcess.start("server", dir, "server", "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--http-port", Integer.toString(http),
        "--api-token", ADMIN, "--state-dir", dir.resolve("state").toString(),
        "--data-dir", dir.resolve("data").toString(), "--min-clients", "2", "--rounds", "1",
        "--run", "own", "--test-limit", "50", "--threads", "1")) {
      server.awaitLine("dashboard and API on", Duration.ofSeconds(90));

      CliRun created = CliRun.of("admin", "project", "create", "lab-a", "--server", url,
          "--token", ADMIN);
      CliRun token = CliRun.of("admin", "token", "create", "--project", "lab-a", "--role",
          "viewer", "--name", "ci", "--server", url, "--token", ADMIN);
      String secret = token.out().trim();
      HttpResponse<String> asProject = get(url + "/api/v1/runs", secret);
      HttpResponse<String> asAdmin = get(url + "/api/v1/runs", ADMIN);
      HttpResponse<String> ownRun = get(url + "/api/v1/runs/own", secret);

      assertEquals(0, created.code(), created.err());
      assertEquals(0, token.code(), token.err());
      assertEquals(200, asProject.statusCode(), asProject.body());
      assertEquals("[]", asProject.body());
      assertTrue(asAdmin.body().contains("\"own\""), asAdmin.body());
      assertEquals(404, ownRun.statusCode(), ownRun.body());
      assertFalse(server.hasLine(secret), "the server never logs a token");
    }
  }
}

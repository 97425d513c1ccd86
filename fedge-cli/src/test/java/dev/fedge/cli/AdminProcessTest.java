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

  @Test
  void fedgeServerNoRun_startsNone_takesAPostedSpec_andResumesItAfterAKill9() throws Exception {
    int port = FederationProcessTest.freePort();
    int http = FederationProcessTest.freePort();
    String url = "http://127.0.0.1:" + http;
    String[] args = {"server", "--no-run", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--http-port", Integer.toString(http), "--api-token", ADMIN, "--state-dir",
        dir.resolve("state").toString(), "--data-dir", dir.resolve("data").toString()};
    // the spec's check step waits for two devices, and none comes
    Path spec = java.nio.file.Files.writeString(dir.resolve("spec.yaml"), """
        id: posted
        rounds: 1
        test-limit: 50
        check: {min_devices: 2, timeout: 10m}
        """);
    try (FedgeProcess server = FedgeProcess.start("server", dir, args)) {
      server.awaitLine("no run of its own \\(--no-run\\)", Duration.ofSeconds(90));
      assertEquals("[]", get(url + "/api/v1/runs", ADMIN).body());

      CliRun posted = CliRun.of("run", spec.toString(), "--no-follow", "--server", url,
          "--token", ADMIN);

      assertEquals(0, posted.code(), posted.err());
      assertTrue(get(url + "/api/v1/runs/posted", ADMIN).body().contains("\"running\""));
      server.kill9();
    }
    try (FedgeProcess again = FedgeProcess.start("server-again", dir, args)) {
      again.awaitLine("run 'posted': resuming at step check", Duration.ofSeconds(90));
      again.awaitLine("dashboard and API on", Duration.ofSeconds(30));
      HttpResponse<String> run = get(url + "/api/v1/runs/posted", ADMIN);
      HttpResponse<String> steps = get(url + "/api/v1/runs/posted/steps", ADMIN);

      assertEquals(200, run.statusCode(), run.body());
      assertTrue(run.body().contains("\"running\""), run.body());
      assertTrue(steps.body().contains("\"check\""), steps.body());
      assertFalse(again.hasLine("no run of its own"), again.tail());
    }
  }
}

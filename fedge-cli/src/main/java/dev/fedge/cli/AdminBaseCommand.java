package dev.fedge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options and the HTTP call shared by the {@code fedge admin} subcommands: the server's address
 * and the token ({@code --token} or {@code FEDGE_TOKEN}: the administrator's, or a project owner's
 * for its own project's tokens).
 */
public abstract class AdminBaseCommand extends BaseCommand {

  static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:FEDGE_SERVER:-http://localhost:8080}",
      description = "The server's HTTP address (env FEDGE_SERVER; default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FEDGE_TOKEN}",
      description = "The server's API token, printed at its first start and kept in"
          + " <state-dir>/api-token (env FEDGE_TOKEN).")
  String token;

  /** A path segment, URL-encoded. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Calls the server's API.
   *
   * @param method GET, POST or DELETE
   * @param path e.g. {@code /api/v1/projects}
   * @param body a JSON body, or null
   * @return the answer's JSON
   * @throws ExitException with the server's one-line error when it answers one, or when it
   *     cannot be reached
   */
  protected JsonNode call(String method, String path, Object body) throws InterruptedException {
    if (token == null || token.isBlank()) {
      throw new ExitException(ExitException.INVALID_INPUT,
          "no token: pass --token or set FEDGE_TOKEN (the server's api-token)");
    }
    URI uri;
    try {
      uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server)
          .resolve(path);
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("not http");
      }
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitException.INVALID_INPUT,
          "--server must be an http:// or https:// URL, got '" + server + "'");
    }
    try {
      HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").method(method, p).build();
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
          .build().send(req, HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
      if (r.statusCode() / 100 != 2) {
        String msg = json.hasNonNull("error") ? json.get("error").asText() : r.body();
        throw new ExitException(r.statusCode() == 400 ? ExitException.INVALID_INPUT
            : ExitException.FAILURE, server + " answered " + r.statusCode() + ": " + msg);
      }
      return json;
    } catch (ConnectException e) {
      throw new ExitException(ExitException.UNAVAILABLE,
          "cannot reach the server at " + server + " (is fedge server running? --server)", e);
    } catch (IOException e) {
      throw new ExitException(ExitException.UNAVAILABLE,
          "cannot talk to the server at " + server + ": " + e.getMessage(), e);
    }
  }
}

package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.FederationServer;
import dev.fedge.server.ToyDevice;
import dev.fedge.server.state.RunSpec;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A running federation: the real {@link FederationServer} (gRPC, Coordinator, SQLite state, model
 * store) with devices on the real protocol, the web face over it, and the dashboard in headless
 * Chromium. A run is started and stopped through the API.
 */
@Timeout(180)
class FederationDashboardTest {

  static final String TOKEN = "federation-test-token-0123";
  static final ParameterLayout LAYOUT =
      ParameterLayout.of(
          new TensorSpec("w", new int[] {3, 4}), new TensorSpec("head.bias", new int[] {3}));

  @TempDir Path dir;
  FederationServer server;
  StateDbView view;
  FederationRunControl control;
  WebServer web;
  ChromeDriver browser;
  final Semaphore gate = new Semaphore(0);
  final List<ToyDevice> devices = new ArrayList<>();
  final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A toy model whose accuracy rises by 0.1 a round and whose loss falls. */
  static FederationServer.RunFactory toyRuns() {
    return spec -> {
      float[] v = new float[LAYOUT.totalSize()];
      Arrays.fill(v, 0.5f);
      return new FederationServer.RunSetup(
          Strategies.create(
              spec.setting("strategy", "fedavg"), Map.of(), StrategySettings.defaults()),
          new Parameters(LAYOUT, v),
          (round, g) ->
              new EvaluateRes(2.0 / (1 + round), 100, Map.of("accuracy", 0.4 + round / 10.0)),
          null);
    };
  }

  @BeforeEach
  void start() throws Exception {
    FederationServer.Settings settings =
        new FederationServer.Settings(
            dir,
            "127.0.0.1",
            0,
            null,
            null,
            null,
            Duration.ofMillis(200),
            Duration.ofMillis(1500),
            4,
            8);
    server = FederationServer.start(settings, toyRuns(), log::add);
    view = new StateDbView(server.state().db(), DeviceStatus.of(server.registry()));
    RunSpec template =
        new RunSpec(
            "template",
            "lab",
            "toy",
            5,
            2,
            2,
            Duration.ofSeconds(60),
            "float32",
            Map.of("strategy", "fedavg"));
    control = new FederationRunControl(server, template, view, log::add);
    web =
        WebServer.builder()
            .setView(view)
            .setModelStore(server.models())
            .setToken(ApiToken.of(TOKEN))
            .optRunControl(control)
            .optHost("127.0.0.1")
            .optPort(0)
            .optPollInterval(Duration.ofMillis(100))
            .start();
    devices.add(ToyDevice.builder(server.port(), "pi-garden")
        .deviceClass("raspberry-pi").temperature(57.5).gate(gate).start());
    devices.add(ToyDevice.builder(server.port(), "jetson-bench")
        .deviceClass("jetson").temperature(44.0).gate(gate).start());
    ToyDevice gone = ToyDevice.builder(server.port(), "old-laptop")
        .deviceClass("generic").temperature(Double.NaN).gate(gate).start();
    waitFor(() -> server.registry().clients().size() == 3);
    gone.close();
    waitFor(() -> server.registry().available().size() == 2);
    browser = DashboardTest.chromium(dir.resolve("chromium-profile"));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    control.close();
    web.close();
    for (ToyDevice d : devices) {
      d.close();
    }
    view.close();
    server.close();
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "condition not met within 60 s");
      Thread.sleep(20);
    }
  }

  WebDriverWait waiting() {
    WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(60));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  String read(String css, String attribute) {
    return waiting()
        .until(
            d -> {
              WebElement e = d.findElement(By.cssSelector(css));
              return attribute == null ? e.getText() : e.getAttribute(attribute);
            });
  }

  int chartPoints() {
    return Integer.parseInt(read("#run-chart", "data-points"));
  }

  @Test
  void dashboardFollowsARunStartedAndStoppedThroughTheApi() throws Exception {
    Http http = new Http(web.uri(), TOKEN);
    browser.get(web.uri().resolve("/?token=" + TOKEN).toString());
    waiting().until(d -> d.findElements(By.cssSelector("#devices tbody tr")).size() == 3);
    waiting()
        .until(d -> d.findElements(By.cssSelector("#devices tr[data-online='true']")).size() == 2);
    assertEquals("old-laptop", read("#devices tr[data-online='false'] .name", null));
    assertEquals("2 online of 3", read("#devices-count", null));
    waiting().until(d -> d.findElement(By.id("devices")).getText().contains("57.5 °C"));

    HttpResponse<String> started =
        http.post(
            "/api/v1/runs",
            "{\"id\": \"web-run\", \"rounds\": 4, \"strategy\": \"fedavg\", \"min-clients\": 2}");
    assertEquals(201, started.statusCode(), started.body());
    assertEquals("running", Http.json(started).get("status").asText());
    waiting().until(d -> d.findElement(By.id("run-title")).getText().equals("web-run"));
    assertEquals(0, chartPoints());

    gate.release(2);
    waiting().until(d -> chartPoints() == 1);
    gate.release(2);
    waiting().until(d -> chartPoints() == 2);
    String trained = read("#participation tr[data-round='2'] td.trained", null);
    assertTrue(trained.contains("pi-garden") && trained.contains("jetson-bench"), trained);
    assertEquals("cnn · fashion-mnist", read("#runs tr[data-id='web-run'] td:nth-child(4)", null));
    assertEquals("60.0 %", read("#participation tr[data-round='2'] td:nth-child(2)", null));
    DashboardTest.screenshot(browser, "federation-dashboard.png");

    HttpResponse<String> stopped = http.post("/api/v1/runs/web-run/stop", "");
    assertEquals(202, stopped.statusCode(), stopped.body());
    JsonNode run = Http.json(stopped);
    assertEquals("stopped", run.get("status").asText());
    assertEquals(2, run.get("round").asInt());
    waiting().until(d -> d.findElement(By.id("run-status")).getText().equals("stopped"));
    waiting()
        .until(
            d ->
                d.findElement(By.id("events"))
                    .getText()
                    .contains("run 'web-run' stopped after round 2"));
    assertEquals(List.of(0, 1, 2), server.models().rounds("lab", "web-run"));
    JsonNode rounds = Http.json(http.get("/api/v1/runs/web-run/rounds"));
    assertEquals(2, rounds.size());
    assertEquals(2, rounds.get(1).get("participants").size());
    HttpResponse<String> again = http.post("/api/v1/runs/web-run/stop", "");
    assertEquals(409, again.statusCode());
    assertEquals(2.0, web.metrics().roundsCompleted());
  }
}

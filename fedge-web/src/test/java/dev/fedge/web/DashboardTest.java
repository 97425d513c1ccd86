package dev.fedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.Telemetry;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.view.StateDbView;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver};
 * other paths through {@code -Dfedge.chromium=} and {@code -Dfedge.chromedriver=}), over a real
 * server on a real SQLite state file written the way the federation server writes it.
 */
class DashboardTest {

  static final String TOKEN = "dashboard-test-token-0123";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  StateStore state;
  StateDbView view;
  StateFixture fx;
  WebServer server;
  ChromeDriver browser;
  final Set<String> connected = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    state = StateStore.open(dir.resolve("state/fedge.db"));
    view = new StateDbView(state.db(), (id, lastSeen) -> connected.contains(id));
    fx = new StateFixture(state, view);
    long now = System.currentTimeMillis();
    fx.device("pi-kitchen", "raspberry-pi", new Telemetry(61.2, 1_200L << 20, 1.35, now));
    fx.device("jetson-lab", "jetson", new Telemetry(48.0, 5_800L << 20, 0.42, now));
    fx.device("old-laptop", "generic", new Telemetry(Double.NaN, 3_100L << 20, 0.10, now));
    connected.addAll(List.of("pi-kitchen", "jetson-lab"));
    fx.run("fmnist-fedavg", 10);
    fx.round(
        "fmnist-fedavg",
        1,
        0.52,
        1.31,
        List.of("jetson-lab", "old-laptop", "pi-kitchen"),
        List.of(),
        14.2);
    fx.round(
        "fmnist-fedavg",
        2,
        0.64,
        0.98,
        List.of("jetson-lab", "pi-kitchen"),
        List.of(new ClientFailure("old-laptop", "timeout after PT30S")),
        30.4);
    server =
        WebServer.builder()
            .setView(view)
            .setModelStore(new ModelStore(dir.resolve("m")))
            .setToken(ApiToken.of(TOKEN))
            .optHost("127.0.0.1")
            .optPort(0)
            .optPollInterval(Duration.ofMillis(100))
            .start();
    browser = chromium(dir.resolve("chromium-profile"));
  }

  static ChromeDriver chromium(Path profile) {
    String binary = System.getProperty("fedge.chromium", "/usr/bin/chromium");
    String driver = System.getProperty("fedge.chromedriver", "/usr/bin/chromedriver");
    assertTrue(
        new File(binary).canExecute() && new File(driver).canExecute(),
        "the dashboard test needs Chromium and its driver at "
            + binary
            + " and "
            + driver
            + " (Debian: apt install chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(driver))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    server.close();
    view.close();
    state.close();
  }

  /** Waits, retrying when the page re-rendered an element under our feet. */
  WebDriverWait waiting() {
    WebDriverWait w = new WebDriverWait(browser, WAIT);
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  /** An element's text and attribute, read together after the page settled. */
  String read(String css, String attribute) {
    return waiting()
        .until(
            d -> {
              WebElement e = d.findElement(By.cssSelector(css));
              return attribute == null ? e.getText() : e.getAttribute(attribute);
            });
  }

  void signIn() {
    browser.get(server.uri().resolve("/?token=" + TOKEN).toString());
    waiting()
        .until(d -> "live".equals(d.findElement(By.id("live-status")).getAttribute("data-state")));
  }

  int chartPoints() {
    return Integer.parseInt(read("#run-chart", "data-points"));
  }

  @Test
  void aReidRunShowsRank1AndMapInsteadOfAccuracy() {
    fx.run("veri-fedpav", 5);
    fx.reidRound("veri-fedpav", 1, 0.40, 0.19, List.of("jetson-lab", "pi-kitchen"));
    fx.reidRound("veri-fedpav", 2, 0.45, 0.20, List.of("jetson-lab", "pi-kitchen"));
    browser.get(server.uri().resolve("/?token=" + TOKEN + "#run=veri-fedpav").toString());

    waiting().until(d -> "reid".equals(d.findElement(By.id("run-chart")).getAttribute("data-task")));
    waiting().until(d -> chartPoints() == 2);
    String row = read("#participation tr[data-round='2']", null);

    assertTrue(row.contains("rank-1 45.0 %"), row);
    assertTrue(row.contains("mAP 20.0 %"), row);
  }

  @Test
  void aRunSpecsSteps_areATableOnTheRunCard_updatedAsAStepEnds() {
    fx.run("pipe", 3);
    try (dev.fedge.server.state.StepStore steps =
        dev.fedge.server.state.StepStore.open(state.db())) {
      Map<String, Map<String, Object>> plan = new java.util.LinkedHashMap<>();
      for (String s : List.of("check", "data", "train", "evaluate", "serve")) {
        plan.put(s, Map.of());
      }
      steps.plan("pipe", plan);
      steps.started("pipe", "check");
      steps.finished("pipe", "check", "done", "check: 2 devices online (rpi: 2)");
      steps.started("pipe", "data");
      browser.get(server.uri().resolve("/?token=" + TOKEN + "#run=pipe").toString());

      waiting().until(d -> d.findElements(By.cssSelector("#steps tbody tr")).size() == 5);
      String check = "#steps tr[data-step='check']";
      assertEquals("done", read(check + " .badge", null));
      assertEquals("check: 2 devices online (rpi: 2)", read(check + " td:last-child", null));
      assertEquals("running", read("#steps tr[data-step='data'] .badge", null));
      assertEquals("badge pending", read("#steps tr[data-step='serve'] .badge", "class"));

      steps.finished("pipe", "data", "done", "data: checked on first train task");
      state.event("run_step", "pipe", null, null, "data: checked on first train task");

      waiting().until(d -> d.findElement(By.cssSelector("#steps tr[data-step='data'] td:last-child"))
          .getText().equals("data: checked on first train task"));
      assertEquals("done", read("#steps tr[data-step='data'] .badge", null));
    }
  }

  @Test
  void showsTheDevicesOfTheFederation() {
    signIn();

    waiting().until(d -> d.findElements(By.cssSelector("#devices tbody tr")).size() == 3);
    String pi = "#devices tr[data-id='pi-kitchen']";
    String piText = read(pi, null);

    assertEquals("true", read(pi, "data-online"));
    assertEquals("pi-kitchen.local", read(pi + " td .name", null));
    assertEquals("pi-kitchen", read(pi + " td .sub", null));
    assertTrue(piText.contains("raspberry-pi"), piText);
    assertTrue(piText.contains("61.2 °C"), piText);
    assertTrue(piText.contains("1.2 GiB"), piText);
    assertTrue(piText.contains("1.35"), piText);
    assertEquals("false", read("#devices tr[data-id='old-laptop']", "data-online"));
    assertEquals("2 online of 3", read("#devices-count", null));
  }

  @Test
  void theAccuracyChartGainsAPointWhenARoundCompletes() throws Exception {
    signIn();
    waiting().until(d -> chartPoints() == 2);
    assertEquals(2, browser.findElements(By.cssSelector("#participation tbody tr")).size());

    fx.round(
        "fmnist-fedavg",
        3,
        0.71,
        0.83,
        List.of("jetson-lab", "pi-kitchen"),
        List.of(new ClientFailure("old-laptop", "disconnected")),
        22.0);

    waiting().until(d -> chartPoints() == 3);
    String row = "#participation tr[data-round='3']";
    assertTrue(read(row + " td.trained", null).contains("pi-kitchen"));
    assertEquals("old-laptop.local: disconnected", read(row + " td.failed .chip", null));
    assertEquals("old-laptop", read(row + " td.failed .chip", "title"));
    assertTrue(read(row, null).contains("71.0 %"), read(row, null));
    waiting()
        .until(
            d ->
                d.findElement(By.cssSelector("#runs tr[data-id='fmnist-fedavg']"))
                    .getText()
                    .contains("3 / 10"));
    Object labels =
        browser.executeScript(
            "return Chart.getChart(document.getElementById('run-chart')).data.labels.length");
    assertEquals(3L, labels);
    screenshot("dashboard.png");
  }

  @Test
  void telemetryUpdatesWithoutReload() {
    signIn();
    waiting().until(d -> d.findElements(By.cssSelector("#devices tbody tr")).size() == 3);

    state.updateTelemetry(
        "jetson-lab", new Telemetry(83.5, 900L << 20, 3.9, System.currentTimeMillis()));

    waiting()
        .until(
            d ->
                d.findElement(By.cssSelector("#devices tr[data-id='jetson-lab']"))
                    .getText()
                    .contains("83.5 °C"));
    assertEquals("num hot", read("#devices tr[data-id='jetson-lab'] td:nth-child(7)", "class"));
  }

  @Test
  void withoutTheTokenTheLoginFormIsShown() {
    browser.get(server.uri().toString());
    assertEquals(1, browser.findElements(By.id("token")).size());

    browser.findElement(By.id("token")).sendKeys("not-the-token-0000000");
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    waiting()
        .until(
            d ->
                d.findElement(By.cssSelector(".error"))
                    .getText()
                    .contains("not this server's API token"));

    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    waiting().until(d -> d.findElements(By.cssSelector("#devices tbody tr")).size() == 3);
  }

  void screenshot(String name) throws Exception {
    screenshot(browser, name);
  }

  /** Saves a screenshot under {@code target/}, to look at. */
  static void screenshot(ChromeDriver browser, String name) throws Exception {
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}

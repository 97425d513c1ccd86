package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.FederationServer;
import dev.fedge.server.ToyDevice;
import dev.fedge.server.state.RunSpec;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.web.ApiToken;
import dev.fedge.web.WebServer;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedge run SPEC} in process against a real server (gRPC devices, SQLite state, HTTP API):
 * it prints one line per step change and exits 0 when the steps are done, 1 when one fails; a bad
 * spec is refused in one line before anything is sent.
 */
@Timeout(120)
class RunCommandTest {

  static final String TOKEN = "run-command-token-0123456789ab";
  static final ParameterLayout LAYOUT = ParameterLayout.of(new TensorSpec("w", new int[] {4}));

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<ToyDevice> devices = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (ToyDevice d : devices) {
      d.close();
    }
    if (web != null) {
      web.close();
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  private void startDevice(int port, String name) {
    startDevice(port, name, "rpi");
  }

  private void startDevice(int port, String name, String deviceClass) {
    DeviceFacts facts = new DeviceFacts("Linux", "aarch64", 4, 4L << 30, 1L << 30, "none",
        deviceClass,
        Map.of("dataset", "fashion-mnist", "train_examples", "600"));
    devices.add(ToyDevice.builder(port, name).facts(facts).start());
  }

  private FederationServer federation;
  private StateDbView view;
  private FederationRunControl control;
  private WebServer web;

  /** Starts the HTTP API on {@code port} (0: any free one) over {@link #federation}. */
  private WebServer startWeb(int port) {
    return WebServer.builder().setView(view).setModelStore(federation.models())
        .setToken(ApiToken.of(TOKEN)).optRunControl(control).optHost("127.0.0.1").optPort(port)
        .start();
  }

  /** A server with its HTTP API and two Pis; its URL. */
  private String server() throws Exception {
    FederationServer server = keep(FederationServer.start(FederationServer.Settings.local(dir, 0),
        spec -> {
          float[] v = new float[LAYOUT.totalSize()];
          Arrays.fill(v, 0.5f);
          return new FederationServer.RunSetup(
              Strategies.create("fedavg", Map.of(), StrategySettings.defaults()),
              new Parameters(LAYOUT, v),
              (round, g) -> new EvaluateRes(1.0 / round, 1, Map.of("accuracy", round / 10.0)),
              null);
        }, s -> {}));
    federation = server;
    view = keep(new StateDbView(server.state().db(), DeviceStatus.of(server.registry())));
    control = keep(new FederationRunControl(server, new RunSpec("template",
        "lab", "toy", 2, 1, 1, Duration.ofSeconds(60), "float32", Map.of("strategy", "fedavg")),
        view, s -> {}));
    web = startWeb(0);
    startDevice(server.port(), "pi1");
    startDevice(server.port(), "pi2");
    return web.uri().toString();
  }

  private Path spec(String text) throws Exception {
    return Files.writeString(dir.resolve("spec.yaml"), text);
  }

  @Test
  void aSpec_runsItsStepsOnTheServer_oneLinePerStepChange_exit0() throws Exception {
    String url = server();
    Path spec = spec("""
        id: pipe
        group: lab
        project: toy
        rounds: 2
        min-clients: 2
        check: {classes: {rpi: 2}, timeout: 60s}
        serve: {alias: production, pick: last}
        """);

    CliRun r = CliRun.of("run", spec.toString(), "--server", url, "--token", TOKEN,
        "--poll", "100ms");

    assertEquals(0, r.code(), r.out() + r.err());
    for (String s : List.of("check", "data", "train", "evaluate", "serve")) {
      assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d " + s + " +done +"
          + s + ": .*")), s + ":\n" + r.out());
    }
    assertTrue(r.out().contains("check    done     check: 2 devices online (rpi: 2)"), r.out());
    assertTrue(r.out().contains("serve: alias 'production' of lab/toy names round 2 (last round)"),
        r.out());
    assertTrue(r.out().contains("run 'pipe' finished"), r.out());
  }

  /** {@code fedge run} in a thread, its output readable while it runs. */
  private record Following(java.io.StringWriter out, java.io.StringWriter err,
      java.util.concurrent.CompletableFuture<Integer> code) {

    static Following start(String... args) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      return new Following(out, err, java.util.concurrent.CompletableFuture.supplyAsync(
          () -> Fedge.execute(new java.io.PrintWriter(out, true),
              new java.io.PrintWriter(err, true), args)));
    }

    /** Waits until the output holds {@code part} (the run's POST answered, say). */
    void awaitOut(String part) throws InterruptedException {
      for (int i = 0; i < 1200 && !out.toString().contains(part) && !code.isDone(); i++) {
        Thread.sleep(50);
      }
      assertTrue(out.toString().contains(part), "out: " + out + " err: " + err);
    }

    CliRun end() throws Exception {
      int c = code.get(60, java.util.concurrent.TimeUnit.SECONDS);
      return new CliRun(c, out.toString(), err.toString());
    }
  }

  @Test
  void theServerGoingAway_isWaitedFor_andFollowingGoesOnWhenItIsBack() throws Exception {
    String url = server();
    int port = web.uri().getPort();
    // the check step waits for a Jetson, so the run is in its check while the API is away
    Path spec = spec("{\"id\": \"pipe\", \"rounds\": 1, \"min-clients\": 2, \"check\":"
        + " {\"classes\": {\"jetson\": 1}, \"timeout\": \"60s\"}}");
    Following following = Following.start("run", spec.toString(), "--server", url, "--token",
        TOKEN, "--poll", "100ms");
    following.awaitOut("run 'pipe' started");

    web.close();
    web = null;
    Thread.sleep(1_000);
    web = startWeb(port);
    startDevice(federation.port(), "nano", "jetson");
    CliRun r = following.end();

    assertEquals(0, r.code(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    // refused once the API is closed; a poll in flight as it closes ends as "cannot talk to"
    int lost = Math.max(indexOf(lines, "lost the server (cannot reach the server at " + url),
        indexOf(lines, "lost the server (cannot talk to the server at " + url));
    int back = indexOf(lines, "server back; following run 'pipe'");
    int finished = indexOf(lines, "run 'pipe' finished");
    assertTrue(lost >= 0 && lost < back && back < finished, r.out());
    assertTrue(r.out().contains("check    done"), r.out());
  }

  @Test
  void aServerThatStaysAway_isGivenUpOnAfterReconnect_inOneLine() throws Exception {
    String url = server();
    Path spec = spec("{\"id\": \"pipe\", \"rounds\": 1, \"check\":"
        + " {\"classes\": {\"jetson\": 1}, \"timeout\": \"60s\"}}");
    Following following = Following.start("run", spec.toString(), "--server", url, "--token",
        TOKEN, "--poll", "100ms", "--reconnect", "1s");
    following.awaitOut("run 'pipe' started");

    web.close();
    web = null;
    CliRun r = following.end();

    assertEquals(ExitException.UNAVAILABLE, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("lost the server"), "out: " + r.out() + " err: " + r.err());
    assertTrue(r.err().contains("gave up on run 'pipe' after 1s without the server at " + url),
        r.err());
    assertEquals(1, r.errLines(), r.err());
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aFailedStep_exits1_withItsReason() throws Exception {
    String url = server();
    Path spec = spec("{\"id\": \"pipe\", \"rounds\": 1, \"check\": {\"classes\": {\"jetson\": 1},"
        + " \"timeout\": \"1s\"}}");

    CliRun r = CliRun.of("run", spec.toString(), "--server", url, "--token", TOKEN,
        "--poll", "100ms");

    assertEquals(ExitException.FAILURE, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("run 'pipe' failed: check: 0 of 1 jetson devices online after 1s"),
        r.err());
    assertEquals(1, r.errLines(), r.err());
  }

  @Test
  void aBadSpec_isRefusedInOneLineNamingTheKey_beforeAnythingIsSent() throws Exception {
    // nothing listens on port 9: the spec is refused before any call
    for (String[] c : List.of(
        new String[] {"steps: [check, deploy]", "steps: unknown step 'deploy'"},
        new String[] {"serve: {pick: first}", "serve.pick: expected best or last, got 'first'"},
        new String[] {"colour: red", "unknown setting 'colour'"},
        new String[] {"- rounds", "expected a map of run settings and steps"})) {
      Path spec = spec(c[0]);

      CliRun r = CliRun.of("run", spec.toString(), "--server", "http://127.0.0.1:9", "--token",
          TOKEN);

      assertEquals(ExitException.INVALID_INPUT, r.code(), c[0] + ": " + r.err());
      assertTrue(r.err().contains(spec + ": " + c[1]), c[0] + ": " + r.err());
      assertEquals(1, r.errLines(), r.err());
    }
  }
}

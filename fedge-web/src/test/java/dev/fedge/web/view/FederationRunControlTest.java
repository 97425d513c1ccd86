package dev.fedge.web.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.store.ModelKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederationRunControlTest {

  @TempDir Path dir;
  FederationServer server;
  StateDbView view;
  FederationRunControl control;

  @BeforeEach
  void start() throws Exception {
    server =
        FederationServer.start(
            FederationServer.Settings.local(dir, 0),
            spec -> {
              throw new java.io.IOException("no data in this test");
            },
            null);
    view = new StateDbView(server.state().db(), DeviceStatus.of(server.registry()));
    RunSpec template =
        new RunSpec(
            "cli-run",
            "lab",
            "cli-run",
            5,
            3,
            2,
            Duration.ofSeconds(60),
            "float16",
            Map.of("strategy", "fedprox", "strategy.mu", "0.1", "dataset", "mnist", "lr", "0.02"));
    control = new FederationRunControl(server, template, view, null);
  }

  @AfterEach
  void stop() {
    control.close();
    view.close();
    server.close();
  }

  static Map<String, Object> settings(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void missingSettingsComeFromTheTemplate() {
    RunSpec s = control.spec(settings("id", "r2", "rounds", 7, "lr", 0.05, "round-timeout", 90));

    assertEquals("r2", s.id());
    assertEquals("lab", s.group());
    assertEquals("r2", s.project());
    assertEquals(7, s.rounds());
    assertEquals(3, s.minClients());
    assertEquals(2, s.minResults());
    assertEquals(Duration.ofSeconds(90), s.roundTimeout());
    assertEquals("float16", s.codec());
    assertEquals("0.05", s.setting("lr", null));
    assertEquals("0.1", s.setting("strategy.mu", null));
    assertEquals("mnist", s.setting("dataset", null));
  }

  @Test
  void anotherStrategyDropsTheTemplatesOptionsAndNamesTheRun() {
    RunSpec s = control.spec(settings("strategy", "fedavgm", "strategy.server_momentum", 0.5));

    assertFalse(s.settings().containsKey("strategy.mu"));
    assertEquals("0.5", s.setting("strategy.server_momentum", null));
    assertTrue(s.id().matches("mnist-fedavgm-\\d{8}-\\d{6}"), s.id());
    assertEquals(s.id(), s.project());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> control.spec(settings("colour", "red")));
    IllegalArgumentException rounds =
        assertThrows(IllegalArgumentException.class, () -> control.spec(settings("rounds", "x")));
    IllegalArgumentException strategy =
        assertThrows(
            IllegalArgumentException.class, () -> control.spec(settings("strategy", "fedfoo")));
    IllegalArgumentException model =
        assertThrows(IllegalArgumentException.class, () -> control.spec(settings("model", "vgg")));
    IllegalArgumentException timeout =
        assertThrows(
            IllegalArgumentException.class, () -> control.spec(settings("round-timeout", "soon")));
    IllegalArgumentException nested =
        assertThrows(
            IllegalArgumentException.class,
            () -> control.spec(settings("lr", java.util.List.of(1))));

    assertTrue(unknown.getMessage().startsWith("unknown setting 'colour'; known settings: id, "));
    assertTrue(unknown.getMessage().contains("min-clients"), unknown.getMessage());
    assertEquals("setting 'rounds': expected an integer, got 'x'", rounds.getMessage());
    assertTrue(strategy.getMessage().startsWith("unknown strategy 'fedfoo'"));
    assertEquals("model: unknown model 'vgg' (known: cnn, resnet18, resnet50, mobilenetv2, efficientnet-b0, mobilenetv2-x<width>)", model.getMessage());
    assertEquals(
        "setting 'round-timeout': expected a positive duration like 500ms, 120s, 5m or 1h, got"
            + " 'soon'",
        timeout.getMessage());
    assertEquals(
        "run setting 'lr' must be a string, number or boolean, got an array", nested.getMessage());
  }

  @Test
  void strategyOptionsAreCheckedAgainstTheRunsMinClients() {
    Map<String, Object> krum = new java.util.LinkedHashMap<>();
    krum.put("strategy", "krum");
    krum.put("strategy.f", 1);
    krum.put("min-clients", 5);
    assertEquals("1", control.spec(krum).settings().get("strategy.f"));

    krum.put("min-clients", 4);
    IllegalArgumentException few =
        assertThrows(IllegalArgumentException.class, () -> control.spec(krum));
    assertEquals(
        "krum: option 'f' = 1 needs more than 2f + 2 = 4 clients per round, but min clients is 4",
        few.getMessage());
  }

  @Test
  void aRunThatCannotStartIsMarkedFailed() throws Exception {
    RunInfo r = control.startRun(settings("id", "r3"));
    control.awaitRun();

    assertEquals("r3", r.id());
    RunInfo after = view.run("r3").orElseThrow();
    assertEquals("failed", after.status());
    assertTrue(
        view.recentEvents(5).stream()
            .anyMatch(
                e ->
                    e.type().equals(FederationRunControl.RUN_FAILED)
                        && e.message().equals("run 'r3' failed: no data in this test")));
    IllegalStateException again =
        assertThrows(IllegalStateException.class, () -> control.startRun(settings("id", "r3")));
    assertEquals("run 'r3' exists already (failed); choose another id", again.getMessage());
  }

  @Test
  void aProjectWithAnotherRunsModelsIsRefused() throws Exception {
    ParameterLayout layout = ParameterLayout.of(new TensorSpec("w", new int[] {2}));
    server.models().save(new ModelKey("lab", "shared", 1), Parameters.zeros(layout), Map.of());

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> control.startRun(settings("id", "r4", "project", "shared")));

    assertEquals(
        "model store project lab/shared already holds another run's models; choose another"
            + " project",
        e.getMessage());
    assertTrue(view.run("r4").isEmpty());
  }
}

package dev.fedge.server.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ConfigKeys;
import dev.fedge.server.settings.RunSettingsBinder.Use;
import dev.fedge.server.state.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSettingsTest {

  private static String error(Use use, Map<String, ?> m) {
    return assertThrows(IllegalArgumentException.class, () -> RunSettingsBinder.bind(use, m))
        .getMessage();
  }

  @Test
  void widths_aServerRunSetting_keptWithTheRun_refusedWithReid() {
    RunSettings s = RunSettingsBinder.bind(Use.SERVER, Map.of("widths", "1, 0.5"));

    assertEquals("1,0.5", RunSpecs.of(s).settings().get("widths"));
    assertEquals("1,0.5", RunSpecs.settings(RunSpecs.of(s)).widthSettings().text());
    assertEquals("widths: HeteroFL has no width-scaled re-identification models; leave widths "
        + "out with task reid", error(Use.API, Map.of("widths", "auto", "task", "reid")));
  }

  @Test
  void defaults_differByUse() {
    RunSettings sim = RunSettingsBinder.bind(Use.SIMULATE, Map.of());
    RunSettings server = RunSettingsBinder.bind(Use.SERVER, Map.of());

    assertEquals(4, sim.rounds());
    assertEquals(2, sim.localEpochs());
    assertEquals("fashion-mnist-fedavg-iid-s42", sim.name());
    assertEquals(Path.of("runs", sim.name()), sim.outDir());
    assertEquals(3, server.rounds());
    assertEquals(1, server.localEpochs());
    assertEquals("fashion-mnist-fedavg", server.name());
    assertEquals(Duration.ofSeconds(120), server.roundTimeout());
  }

  @Test
  void unknownKey_isRefusedWithTheKnownOnes_inOneLine() {
    String m = error(Use.SIMULATE, Map.of("roundz", 3));

    assertTrue(m.startsWith("unknown setting 'roundz'; known settings: name, task, dataset,"), m);
    assertTrue(m.contains("client-speeds") && !m.contains("\n"), m);
    assertTrue(error(Use.SERVER, Map.of("partition", "iid")).contains("known settings: name, task, group"));
  }

  @Test
  void oneSpellingPerKey_theUnderscoreOneGetsAHint() {
    assertTrue(error(Use.SIMULATE, Map.of("local_epochs", 2))
        .startsWith("unknown setting 'local_epochs' (did you mean 'local-epochs'?); known"));
  }

  @Test
  void badValues_nameTheSettingAndTheValue() {
    assertEquals("lr must be > 0, got -1.0", error(Use.SERVER, Map.of("lr", -1)));
    assertEquals("setting 'rounds': expected an integer, got 'many'",
        error(Use.SIMULATE, Map.of("rounds", "many")));
    assertEquals("setting 'rounds': expected an integer, got '2.5'",
        error(Use.SIMULATE, Map.of("rounds", 2.5)));
    assertEquals("setting 'lr': expected a number, got 'fast'",
        error(Use.SIMULATE, Map.of("lr", "fast")));
    assertEquals("fraction must be in (0, 1], got 1.5", error(Use.SIMULATE, Map.of("fraction", 1.5)));
    assertTrue(error(Use.SERVER, Map.of("round-timeout", "soon")).startsWith(
        "setting 'round-timeout': expected a positive duration"));
    assertTrue(error(Use.SERVER, Map.of("model", "vgg")).contains("unknown model 'vgg'"));
    assertTrue(error(Use.SERVER, Map.of("codec", "zip")).contains("zip"));
  }

  @Test
  void strategyOptions_fromAYamlMap_orTheApisDottedKeys() {
    RunSettings yaml = RunSettingsBinder.bind(Use.SIMULATE,
        Map.of("strategy", Map.of("name", "fedprox", "mu", 0.1)));
    RunSettings api = RunSettingsBinder.bind(Use.SERVER,
        Map.of("strategy", "fedprox", "strategy.mu", 0.1));

    assertEquals("fedprox", yaml.strategy());
    assertEquals(Map.of("mu", "0.1"), yaml.strategyOpts());
    assertEquals(Map.of("mu", "0.1"), api.strategyOpts());
    assertTrue(error(Use.SIMULATE, Map.of("strategy", Map.of("mu", 1)))
        .contains("'strategy' as a map needs a 'name'"));
  }

  @Test
  void fitConfig_isWhatTheClientsGet() {
    RunSettings s = RunSettingsBinder.bind(Use.SERVER,
        Map.of("lr", "0.05", "local-epochs", 3, "batch-size", 16));

    assertEquals(0.05, s.fitConfig().getDouble(ConfigKeys.LR, 0));
    assertEquals(3, s.fitConfig().getLong(ConfigKeys.LOCAL_EPOCHS, 0));
    assertEquals(16, s.fitConfig().getLong(ConfigKeys.BATCH_SIZE, 0));
    assertEquals(0.9, s.fitConfig().getDouble(ConfigKeys.MOMENTUM, 0));
  }

  @Test
  void toMap_bindsBackToTheSameSettings() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("strategy", "fedprox");
    given.put("strategy-opts", Map.of("mu", 0.1));
    given.put("client-speeds", "1,0.25");
    given.put("seed", 7);
    RunSettings s = RunSettingsBinder.bind(Use.SIMULATE, given);

    assertEquals(List.of(1.0, 0.25), s.clientSpeeds());
    assertEquals(s, RunSettingsBinder.bind(Use.SIMULATE, s.toMap(Use.SIMULATE)));
  }

  @Test
  void runSpec_keepsTheSettings_andGivesThemBack() {
    RunSettings s = RunSettingsBinder.bind(Use.SERVER, Map.of("name", "r1", "strategy", "fedprox",
        "strategy.mu", "0.01", "round-timeout", "90s", "min-clients", 3, "lr", 0.02));
    RunSpec spec = RunSpecs.of(s);

    assertEquals("r1", spec.id());
    assertEquals(Duration.ofSeconds(90), spec.roundTimeout());
    assertEquals("0.01", spec.settings().get("strategy.mu"));
    assertEquals("0.02", spec.settings().get("lr"));
    assertEquals(s, RunSpecs.settings(spec));
  }

  @Test
  void yamlFile_isReadWithLowerCasedKeys(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("sim.yaml");
    Files.writeString(f, "Rounds: 3\nstrategy: {name: fedprox, mu: 0.1}\n");
    RunSettings s = RunSettingsBinder.bind(Use.SIMULATE, RunSettingsBinder.readYaml(f));

    assertEquals(3, s.rounds());
    assertEquals("fedprox", s.strategy());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RunSettingsBinder.readYaml(dir.resolve("none.yaml"))).getMessage()
        .startsWith("config file not found"));
  }

  @Test
  void dataDir_defaultsToTheFedgeDataDirProperty() {
    String before = System.getProperty("fedge.data.dir");
    System.setProperty("fedge.data.dir", "/tmp/elsewhere");
    try {
      assertEquals(Path.of("/tmp/elsewhere"),
          RunSettingsBinder.bind(Use.SIMULATE, Map.of()).dataPath());
      assertEquals(Path.of("given"),
          RunSettingsBinder.bind(Use.SIMULATE, Map.of("data-dir", "given")).dataPath());
    } finally {
      if (before == null) {
        System.clearProperty("fedge.data.dir");
      } else {
        System.setProperty("fedge.data.dir", before);
      }
    }
  }

  @Test
  void runNames_oneCleanUp() {
    assertEquals("folder__data_my_set-fedavg", RunNames.clean("folder:/data/My set-fedavg"));
    assertEquals("run-_x", RunNames.clean("_x"));
  }
}

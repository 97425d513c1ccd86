package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import org.junit.jupiter.api.Test;

class StrategySettingsTest {

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaults_areValid() {
    StrategySettings s = StrategySettings.defaults();

    assertEquals(1.0, s.fraction());
    assertEquals(0.01, s.fitConfig().getDouble(ConfigKeys.LR, 0));
    assertEquals(32, s.fitConfig().getLong(ConfigKeys.BATCH_SIZE, 0));
  }

  @Test
  void rejectsBadSampling_namingFieldAndValue() {
    Config c = StrategySettings.defaultFitConfig();

    assertEquals(
        "fraction: must be in (0, 1], got 1.5",
        error(() -> new StrategySettings(1.5, 1, 0, c, 0)));
    assertEquals(
        "minClients: must be >= 1, got 0", error(() -> new StrategySettings(1, 0, 0, c, 0)));
    assertEquals(
        "fractionEvaluate: must be in [0, 1], got -0.1",
        error(() -> new StrategySettings(1, 1, 0, c, -0.1)));
  }

  @Test
  void rejectsBadTrainerSettings_namingKeyAndValue() {
    Config c = StrategySettings.defaultFitConfig();

    assertEquals(
        "fitConfig 'lr': must be > 0, got 0.0",
        error(() -> new StrategySettings(1, 1, 0, c.with(ConfigKeys.LR, 0.0), 0)));
    assertEquals(
        "fitConfig 'local_epochs': must be >= 1, got 0",
        error(() -> new StrategySettings(1, 1, 0, c.with(ConfigKeys.LOCAL_EPOCHS, 0), 0)));
    assertEquals(
        "fitConfig 'momentum': must be in [0, 1), got 1.0",
        error(() -> new StrategySettings(1, 1, 0, c.with(ConfigKeys.MOMENTUM, 1.0), 0)));
    assertEquals(
        "config 'lr': expected a number, got 'fast'",
        error(() -> new StrategySettings(1, 1, 0, c.with(ConfigKeys.LR, "fast"), 0)));
  }

  @Test
  void withers_changeOneThing() {
    StrategySettings s = StrategySettings.defaults().withSampling(0.5, 3).withSeed(9);

    assertEquals(0.5, s.fraction());
    assertEquals(3, s.minClients());
    assertEquals(9, s.seed());
    assertEquals(0.25, s.withFractionEvaluate(0.25).fractionEvaluate());
  }
}

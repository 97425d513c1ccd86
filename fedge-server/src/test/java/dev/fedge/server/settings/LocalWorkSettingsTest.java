package dev.fedge.server.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalWorkSettingsTest {

  @Test
  void aServerRunKeepsItsLocalWorkInItsSpec_soAResumedRunSizesTheSame() {
    RunSettings s = RunSettingsBinder.bind(RunSettingsBinder.Use.SERVER,
        Map.of("local-work", "deadline", "round-deadline", "45s", "min-local-steps", "4"));

    RunSettings back = RunSpecs.settings(RunSpecs.of(s));

    assertTrue(back.deadlineSized());
    assertEquals(Duration.ofSeconds(45), back.roundDeadline());
    assertEquals(4, back.minLocalSteps());
    assertEquals("fedavg", back.strategy(), "the strategy stays the default, fedavg");
  }

  @Test
  void epochsStayTheDefault_andAnEarlierSpecWithoutTheKeysReadsAsEpochs() {
    RunSettings s = RunSettingsBinder.bind(RunSettingsBinder.Use.API, Map.of());
    assertFalse(s.deadlineSized());
    assertEquals("fedavg", s.strategy());
    assertFalse(RunSpecs.of(s).settings().containsKey("round-deadline"));
    assertEquals("fedprox", RunSettingsBinder.bind(RunSettingsBinder.Use.API, Map.of(
        "local-work", "deadline", "round-deadline", "10s", "strategy", "fedprox")).strategy());
  }

  @Test
  void simulatedStepsAndTaskTimesFollowTheDeadline() {
    RunSettings s = RunSettingsBinder.bind(RunSettingsBinder.Use.SIMULATE, Map.of(
        "clients", "2", "client-speeds", "1,0.25", "local-work", "deadline",
        "round-deadline", "300ms"));
    // 300 images, batch 32, 2 epochs: 20 steps at most
    assertEquals(9, s.localSteps(0, 300));
    assertEquals(2, s.localSteps(1, 300));
    assertEquals(0.288, s.taskSeconds(0, 300), 1e-9);
    assertEquals(0.256, s.taskSeconds(1, 300), 1e-9);
    // a device fast enough for all its epochs stops there
    assertEquals(4, s.localSteps(0, 64));
    assertEquals(0.128, s.taskSeconds(0, 64), 1e-9);
  }
}

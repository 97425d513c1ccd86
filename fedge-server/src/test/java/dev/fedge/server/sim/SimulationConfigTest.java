package dev.fedge.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {

  @Test
  void defaultsDescribeTheEmbeddedRun() {
    SimulationConfig c = SimulationConfig.fromMap(Map.of());

    assertEquals("fashion-mnist", c.dataset());
    assertEquals("cnn", c.model());
    assertEquals("fedavg", c.strategy());
    assertEquals(10, c.clients());
    assertEquals("iid", c.partition());
    assertEquals(Path.of("runs", c.name()), c.out());
  }

  @Test
  void acceptsStringsFromFlagsAndScalarsFromYaml() {
    SimulationConfig c = SimulationConfig.fromMap(Map.of(
        "rounds", "7", "lr", 0.05, "local-epochs", 2, "strategy-opts", Map.of("mu", 0.1)));

    assertEquals(7, c.rounds());
    assertEquals(0.05, c.lr(), 1e-12);
    assertEquals(2, c.localEpochs());
    assertEquals("0.1", c.strategyOptions().get("mu"));
    assertEquals(c, SimulationConfig.fromMap(c.toMap()));
  }

  @Test
  void clientSpeeds_fromAFlagOrAYamlList_areGivenToTheClientsInTurn() {
    SimulationConfig flag = SimulationConfig.fromMap(
        Map.of("client-speeds", "1, 0.25,0.05", "local-epochs", 2));
    SimulationConfig yaml = SimulationConfig.fromMap(Map.of("client-speeds", List.of(2, 0.5)));

    assertEquals(List.of(1.0, 0.25, 0.05), flag.clientSpeeds());
    assertEquals(List.of(2.0, 0.5), yaml.clientSpeeds());
    assertTrue(flag.heterogeneous());
    assertFalse(SimulationConfig.fromMap(Map.of()).heterogeneous());
    // 500 images x 2 epochs at 1,000 images a second per unit of speed
    assertEquals(1.0, flag.taskSeconds(0, 500), 1e-12);
    assertEquals(4.0, flag.taskSeconds(1, 500), 1e-12);
    assertEquals(20.0, flag.taskSeconds(2, 500), 1e-12);
    assertEquals(1.0, flag.taskSeconds(3, 500), 1e-12);
    assertEquals(flag, SimulationConfig.fromMap(flag.toMap()));
  }

  @Test
  void badClientSpeeds_nameTheSettingAndTheValue() {
    assertEquals("client-speeds: every speed must be > 0, got 0.0 in [1.0, 0.0]",
        assertThrows(IllegalArgumentException.class,
            () -> SimulationConfig.fromMap(Map.of("client-speeds", "1,0"))).getMessage());
    assertEquals("setting 'client-speeds': expected numbers separated by commas, got 'fast'",
        assertThrows(IllegalArgumentException.class,
            () -> SimulationConfig.fromMap(Map.of("client-speeds", "fast"))).getMessage());
  }

  @Test
  void badSettingsNameTheKeyAndValue() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.fromMap(Map.of("roundz", 3)));
    assertTrue(unknown.getMessage().contains("roundz"), unknown.getMessage());

    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.fromMap(Map.of("rounds", "many")));
    assertTrue(type.getMessage().contains("rounds") && type.getMessage().contains("many"));

    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> SimulationConfig.fromMap(Map.of("fraction", 1.5)));
    assertTrue(range.getMessage().contains("fraction") && range.getMessage().contains("1.5"));
  }
}

package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  private static final StrategySettings SETTINGS = StrategySettings.defaults().withSampling(1, 3);

  private static String error(String name, Map<String, String> options) {
    return assertThrows(
            IllegalArgumentException.class, () -> Strategies.create(name, options, SETTINGS))
        .getMessage();
  }

  @Test
  void names_areTheDocumentedOnes() {
    assertEquals(
        List.of(
            "fedavg", "fedavgm", "fedprox", "fedntd", "fednova", "fedadam", "fedyogi",
            "fedadagrad", "fedmedian", "fedtrimmedavg", "krum", "fedpav", "fedpav-ntd",
            "fedbuff",
            "local-only"),
        Strategies.names());
  }

  @Test
  void create_everyNameWithDefaults_givesThatStrategy() {
    for (String name : Strategies.names()) {
      Strategy s = Strategies.create(name, Map.of(), SETTINGS);

      assertEquals(name, s.name());
      assertEquals(name, s.provenance().get("strategy"));
    }
  }

  @Test
  void create_appliesOptionsAndDefaults() {
    Strategy prox = Strategies.create("FedProx ", Map.of("mu", "0.1"), SETTINGS);
    Strategy adam = Strategies.create("fedadam", Map.of(), SETTINGS);
    Strategy yogi = Strategies.create("fedyogi", Map.of(), SETTINGS);
    Strategy krum = Strategies.create("krum", Map.of("f", "0", "m", "2"), SETTINGS);

    assertInstanceOf(FedProx.class, prox);
    assertEquals(0.1, prox.provenance().get("mu"));
    assertEquals(0.01, adam.provenance().get("eta"));
    assertEquals(1e-3, adam.provenance().get("tau"));
    Strategy adagrad = Strategies.create("fedadagrad", Map.of("eta", "0.05"), SETTINGS);
    assertEquals(0.05, adagrad.provenance().get("eta"));
    assertEquals(1e-3, adagrad.provenance().get("tau"));
    assertEquals(0.01, yogi.provenance().get("eta"));
    assertEquals(1e-3, yogi.provenance().get("tau"));
    assertEquals(2, krum.provenance().get("m"));
    assertEquals(
        0.9, Strategies.create("fedavgm", Map.of(), SETTINGS).provenance().get("server_momentum"));
    assertEquals(
        "head\\..*", Strategies.create("fedpav", Map.of(), SETTINGS).provenance().get("local_layers"));
  }

  @Test
  void unknownName_listsTheKnownOnes() {
    assertEquals(
        "unknown strategy 'fedsgd'; known strategies: fedavg, fedavgm, fedprox, fedntd, fednova,"
            + " fedadam, fedyogi, fedadagrad, fedmedian, fedtrimmedavg, krum, fedpav, fedpav-ntd,"
            + " fedbuff,"
            + " local-only",
        error("fedsgd", Map.of()));
  }

  @Test
  void unknownOption_namesItAndTheKnownOnes() {
    assertEquals(
        "strategy 'fedprox': unknown option 'proximal_mu'; known options: mu",
        error("fedprox", Map.of("proximal_mu", "0.1")));
    assertEquals(
        "strategy 'fedavg': unknown option 'mu'; fedavg takes no options",
        error("fedavg", Map.of("mu", "0.1")));
  }

  @Test
  void badValues_nameTheOptionAndTheValue() {
    assertEquals("fedprox: option 'mu' must be >= 0.0, got -0.5", error("fedprox", Map.of("mu", "-0.5")));
    assertEquals("fedntd: option 'tau' must be > 0, got 0.0", error("fedntd", Map.of("tau", "0")));
    assertEquals("fedadam: option 'tau' must be > 0, got -1.0", error("fedadam", Map.of("tau", "-1")));
    assertEquals(
        "fedtrimmedavg: option 'beta' must be in [0.0, 0.5), got 0.5",
        error("fedtrimmedavg", Map.of("beta", "0.5")));
    assertEquals(
        "fedtrimmedavg: option 'beta' must be in [0.0, 0.5), got -0.1",
        error("fedtrimmedavg", Map.of("beta", "-0.1")));
    assertEquals(
        "strategy 'fedprox': option 'mu' must be a number, got 'lots'",
        error("fedprox", Map.of("mu", "lots")));
    assertEquals(
        "strategy 'fedavgm': option 'server_lr' must be a number, got 'NaN'",
        error("fedavgm", Map.of("server_lr", "NaN")));
    assertEquals(
        "strategy 'krum': option 'f' must be an integer, got '1.5'",
        error("krum", Map.of("f", "1.5")));
    assertEquals(
        "strategy 'fedprox': option 'mu' has no value", error("fedprox", Map.of("mu", " ")));
  }

  @Test
  void krum_fMustLeaveMoreThanTwoFPlusTwoClients() {
    // min clients 3: f = 1 would need more than 4
    assertEquals(
        "krum: option 'f' = 1 needs more than 2f + 2 = 4 clients per round, but min clients is 3",
        error("krum", Map.of("f", "1")));
    assertEquals(
        "krum: option 'f' = 0 needs more than 2f + 2 = 2 clients per round, but min clients is 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Strategies.create("krum", Map.of(), StrategySettings.defaults()))
            .getMessage());
  }

  @Test
  void options_listsAStrategysOptions() {
    assertEquals(List.of("f", "m"), Strategies.options("krum"));
    assertEquals(List.of(), Strategies.options("fedavg"));
  }
}

package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.entry;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.params;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitRes;
import dev.fedge.api.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FedNovaTest {

  private final FedNova nova = new FedNova(StrategySettings.defaults());

  /** w_g = 0; client a: w = -2, n = 1, tau = 1; client b: w = -3, n = 3, tau = 3. */
  private static float[] twoClients(Strategy strategy, int round) {
    return model(
        Fixtures.run(
            strategy,
            round,
            params(0),
            List.of(
                entry("a", res(params(-2), 1, 1.0, 1)), entry("b", res(params(-3), 3, 1.0, 3)))));
  }

  @Test
  void normalisesByEachClientsSteps() {
    // w_g = 0; w_1 = -2 (n=1, tau=1), w_2 = -3 (n=3, tau=3): w = -2.5 · 1.25 = -3.125
    float[] w = twoClients(nova, 1);

    assertArrayEquals(new float[] {-3.125f}, w);
  }

  @Test
  void withLocalMomentum_normalisesByWhatEachClientsStepsAddUpTo() {
    // rho = 0.5: a(1) = 1, a(3) = 1 + 1.5 + 1.75 = 4.25; tau_eff = 1/4 + 3/4 · 4.25 = 3.4375
    // w = -3.4375 · (1/4 · 2/1 + 3/4 · 3/4.25)
    FedNova withMomentum =
        new FedNova(
            new StrategySettings(
                1, 1, 42, StrategySettings.defaultFitConfig().with(ConfigKeys.MOMENTUM, 0.5), 0));
    float[] w = twoClients(withMomentum, 1);

    assertArrayEquals(new float[] {(float) -(3.4375 * (0.5 + 0.75 * 3 / 4.25))}, w, 1e-6f);
  }

  @Test
  void optionNormaliserSteps_ignoresTheMomentum_andABadValueIsNamed() {
    Config momentum = StrategySettings.defaultFitConfig().with(ConfigKeys.MOMENTUM, 0.5);
    StrategySettings settings = new StrategySettings(1, 1, 42, momentum, 0);
    Strategy steps = Strategies.create("fednova", Map.of("normaliser", "steps"), settings);
    float[] w = twoClients(steps, 1);

    assertArrayEquals(new float[] {-3.125f}, w, "as without momentum");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Strategies.create("fednova", Map.of("normaliser", "adam"), settings));
    assertEquals(
        "fednova: option 'normaliser' must be momentum or steps, got 'adam'", e.getMessage());
  }

  @Test
  void optionTauEffHarmonic_givesAConvexCombinationOfTheClientsModels_andABadValueIsNamed() {
    // weights n_i / tau_i: a 1/1 = 1, b 3/3 = 1, so w = (-2 + -3) / 2 = -2.5, between the two
    // clients' models; the paper's mean tau_eff (first test) extrapolates to -3.125, beyond both.
    StrategySettings settings = StrategySettings.defaults();
    Strategy harmonic = Strategies.create("fednova", Map.of("tau_eff", "harmonic"), settings);
    float[] w = twoClients(harmonic, 1);

    assertArrayEquals(new float[] {-2.5f}, w, 1e-6f);
    // a second round starts from its own sums: same inputs, same answer
    float[] again = twoClients(harmonic, 2);
    assertArrayEquals(new float[] {-2.5f}, again, 1e-6f);
    // geometric: tau_eff = 3^0.75 (p = 1/4, 3/4; a = 1, 3), times the normalised -1.25
    Strategy geometric = Strategies.create("fednova", Map.of("tau_eff", "geometric"), settings);
    assertArrayEquals(new float[] {(float) (-1.25 * Math.pow(3, 0.75))},
        twoClients(geometric, 1), 1e-5f);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Strategies.create("fednova", Map.of("tau_eff", "median"), settings));
    assertEquals(
        "fednova: option 'tau_eff' must be mean or harmonic or geometric, got 'median'", e.getMessage());
  }

  @Test
  void theMomentumNormaliserIsTheSumOfEachStepsWeight() {
    for (double rho : new double[] {0, 0.5, 0.9, 0.99}) {
      double sum = 0;
      double counter = 0;
      for (int k = 1; k <= 300; k++) {
        counter = counter * rho + 1; // (1 - rho^k) / (1 - rho), the authors' running counter
        sum += counter;
        assertEquals(sum, FedNova.normaliser(k, rho), 1e-9 * sum, "rho " + rho + ", " + k + " steps");
      }
    }
  }

  @Test
  void rejectsMissingSteps_leavingTheAggregateUntouched() {
    FitAggregation agg = nova.startAggregation(1, params(0));
    agg.accept("a", res(params(-2), 1, 1.0, 2));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> agg.accept("b", new FitRes(params(-100), 1, Map.of())));

    assertEquals(
        "client 'b': fednova needs the metric 'num_steps' > 0 (local optimiser steps), got NaN",
        e.getMessage());
    assertEquals(1, agg.count());
    assertArrayEquals(new float[] {-2}, model(agg.finish(List.of())));
  }
}

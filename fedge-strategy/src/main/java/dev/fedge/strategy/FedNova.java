package dev.fedge.strategy;

import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import java.util.Optional;

/**
 * FedNova: normalised averaging, which removes the bias FedAvg gets when clients take different
 * numbers of local steps. Each client reports its number of local optimiser steps {@code tau_i}
 * as the {@link FitRes#NUM_STEPS} metric; with {@code p_i = n_i / n} and {@code d_i = (w_g − w_i)
 * / tau_i}, the new model is {@code w_g − (Σ p_i tau_i) · Σ p_i d_i}. When every client takes the
 * same number of steps this is FedAvg.
 *
 * <p>Wang, Liu, Liang, Joshi, Poor, "Tackling the Objective Inconsistency Problem in Heterogeneous
 * Federated Optimization", NeurIPS 2020, <a
 * href="https://arxiv.org/abs/2007.07481">arXiv:2007.07481</a>. This is the plain-SGD form
 * ({@code ‖a_i‖₁ = tau_i}); with local momentum the clients' effective step count differs.
 *
 * <p>Streaming, O(P): each update is folded as {@code (n_i / tau_i)·(w_g − w_i)} into one double
 * accumulator. A result without a positive, finite {@code num_steps} is rejected.
 */
public class FedNova extends FedAvg {

  /**
   * Creates FedNova.
   *
   * @param settings sampling and trainer settings
   */
  public FedNova(StrategySettings settings) {
    super(settings);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fednova";
  }

  /** The streaming normalised average. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new Normalised(global.values());
  }

  private static final class Normalised implements UpdateCombiner {
    private final float[] global;
    private double[] acc;
    private double examples;
    private double exampleSteps;

    Normalised(float[] global) {
      this.global = global;
    }

    @Override
    public void check(String clientId, FitRes result) {
      double steps = result.metric(FitRes.NUM_STEPS, Double.NaN);
      if (!(steps > 0) || Double.isInfinite(steps)) {
        throw new IllegalArgumentException(
            "client '" + clientId + "': fednova needs the metric '" + FitRes.NUM_STEPS
                + "' > 0 (local optimiser steps), got " + steps);
      }
    }

    @Override
    public void add(String clientId, FitRes result) {
      if (acc == null) {
        acc = new double[global.length];
      }
      double steps = result.metric(FitRes.NUM_STEPS, Double.NaN);
      double n = result.numExamples();
      Aggregations.foldDifference(acc, global, result.parameters().values(), n / steps);
      examples += n;
      exampleSteps += n * steps;
    }

    @Override
    public Optional<float[]> combine() {
      float[] out = Aggregations.novaStep(global, acc, examples, exampleSteps);
      acc = null;
      return Optional.of(out);
    }
  }
}

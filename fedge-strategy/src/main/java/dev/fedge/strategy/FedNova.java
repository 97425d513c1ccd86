package dev.fedge.strategy;

import dev.fedge.api.ConfigKeys;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import java.util.Optional;

/**
 * FedNova: normalised averaging, which removes the bias FedAvg gets when clients take different
 * numbers of local steps. Each client reports its number of local optimiser steps {@code tau_i}
 * as the {@link FitRes#NUM_STEPS} metric; with {@code p_i = n_i / n}, the client's normaliser
 * {@code a_i = ‖a_i‖₁} and {@code d_i = (w_g − w_i) / a_i}, the new model is {@code w_g − (Σ p_i
 * a_i) · Σ p_i d_i}. Plain SGD gives {@code a_i = tau_i}; SGD with momentum {@code rho} (the trainer
 * setting {@code momentum} the strategy sends, buffers starting from zero every round) gives
 * {@code a_i = Σ_{k=1..tau_i} (1 − rho^k) / (1 − rho)}, how much the k-th gradient ends up moving the
 * weights (the paper's momentum case; the authors' code keeps the same running sum). Option {@code
 * normaliser=steps} uses {@code tau_i} whatever the momentum. When every client takes the same
 * number of steps this is FedAvg.
 *
 * <p>Wang, Liu, Liang, Joshi, Poor, "Tackling the Objective Inconsistency Problem in Heterogeneous
 * Federated Optimization", NeurIPS 2020, <a
 * href="https://arxiv.org/abs/2007.07481">arXiv:2007.07481</a>, section 4 and appendix (momentum).
 *
 * <p>Streaming, O(P): each update is folded as {@code (n_i / a_i)·(w_g − w_i)} into one double
 * accumulator. A result without a positive, finite {@code num_steps} is rejected.
 */
public class FedNova extends FedAvg {

  /** How a client's local work is measured. */
  public enum Normaliser {
    /** {@code ‖a_i‖₁} of SGD with the run's momentum (the paper's; {@code tau_i} without momentum). */
    MOMENTUM,
    /** The step count {@code tau_i}, whatever the momentum. */
    STEPS;

    /**
     * The option's value.
     *
     * @return {@code momentum} or {@code steps}
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses an option value.
     *
     * @param value {@code momentum} or {@code steps}
     * @return the normaliser
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static Normaliser parse(String value) {
      return StrategyOptions.choice("fednova", "normaliser", value, Normaliser.class);
    }
  }

  /** The default: {@link Normaliser#MOMENTUM}. */
  public static final Normaliser DEFAULT_NORMALISER = Normaliser.MOMENTUM;

  /**
   * The effective number of steps {@code tau_eff} the normalised average is scaled by. Any choice
   * keeps the objective consistent (the clients' per-step directions {@code d_i} are weighted by
   * their data, {@code p_i}); it sets how far the server steps.
   */
  public enum TauEff {
    /**
     * The paper's {@code Σ p_i a_i}: as many steps as FedAvg's mean. A client that did less than
     * the mean has its update scaled up (extrapolated) by {@code tau_eff / a_i}.
     */
    MEAN,
    /**
     * The weighted harmonic mean {@code 1 / Σ (p_i / a_i)}: the new model is then a convex
     * combination of the clients' models, weighted by {@code n_i / a_i}, so no update is
     * extrapolated. For very unequal work (deadline-sized tasks), where scaling a short update up
     * several times overshoots.
     */
    HARMONIC,
    /**
     * The weighted geometric mean {@code exp(Σ p_i ln a_i)}, between {@link #HARMONIC} and {@link
     * #MEAN}: a short update is scaled up less than with the mean, and the step is longer than
     * the harmonic mean's convex combination.
     */
    GEOMETRIC;

    /**
     * The option's value.
     *
     * @return {@code mean}, {@code harmonic} or {@code geometric}
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses an option value.
     *
     * @param value {@code mean}, {@code harmonic} or {@code geometric}
     * @return the choice
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static TauEff parse(String value) {
      return StrategyOptions.choice("fednova", "tau_eff", value, TauEff.class);
    }
  }

  /** The default: {@link TauEff#MEAN}, the paper's. */
  public static final TauEff DEFAULT_TAU_EFF = TauEff.MEAN;

  private final Normaliser normaliser;
  private final TauEff tauEff;

  /**
   * Creates FedNova with the paper's normaliser.
   *
   * @param settings sampling and trainer settings
   */
  public FedNova(StrategySettings settings) {
    this(settings, DEFAULT_NORMALISER);
  }

  /**
   * Creates FedNova.
   *
   * @param settings sampling and trainer settings
   * @param normaliser how a client's local work is measured
   */
  public FedNova(StrategySettings settings, Normaliser normaliser) {
    this(settings, normaliser, DEFAULT_TAU_EFF);
  }

  /**
   * Creates FedNova.
   *
   * @param settings sampling and trainer settings
   * @param normaliser how a client's local work is measured
   * @param tauEff how far the server steps
   */
  public FedNova(StrategySettings settings, Normaliser normaliser, TauEff tauEff) {
    super(settings);
    if (normaliser == null || tauEff == null) {
      throw new IllegalArgumentException("normaliser and tau_eff: must not be null");
    }
    this.normaliser = normaliser;
    this.tauEff = tauEff;
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fednova";
  }

  /** The streaming normalised average. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    double rho =
        normaliser == Normaliser.STEPS ? 0 : settings.fitConfig().getDouble(ConfigKeys.MOMENTUM, 0);
    return new Normalised(global.values(), rho, tauEff);
  }

  /**
   * The normaliser {@code ‖a‖₁} of a client that took {@code steps} SGD steps with momentum {@code
   * rho}: {@code Σ_{k=1..steps} (1 − rho^k) / (1 − rho)}, in closed form {@code (steps − rho (1 −
   * rho^steps) / (1 − rho)) / (1 − rho)}; {@code steps} when {@code rho = 0}.
   *
   * @param steps local optimiser steps, &gt; 0
   * @param rho the momentum, in [0, 1)
   * @return the normaliser
   */
  public static double normaliser(double steps, double rho) {
    if (rho == 0) {
      return steps;
    }
    return (steps - rho * (1 - Math.pow(rho, steps)) / (1 - rho)) / (1 - rho);
  }

  private static final class Normalised implements UpdateCombiner {
    private final float[] global;
    private final double rho;
    private final TauEff tauEff;
    private double[] acc;
    private double examples;
    private double exampleNorms;
    private double examplesPerNorm;
    private double examplesLogNorm;

    Normalised(float[] global, double rho, TauEff tauEff) {
      this.global = global;
      this.rho = rho;
      this.tauEff = tauEff;
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
      double a = normaliser(result.metric(FitRes.NUM_STEPS, Double.NaN), rho);
      double n = result.numExamples();
      Aggregations.foldDifference(acc, global, result.parameters().values(), n / a);
      examples += n;
      exampleNorms += n * a;
      examplesPerNorm += n / a;
      examplesLogNorm += n * Math.log(a);
    }

    @Override
    public Optional<float[]> combine() {
      // novaStep scales by (nTau / n) / n = tau_eff / n, so nTau = n · tau_eff
      double nTau = switch (tauEff) {
        case MEAN -> exampleNorms;
        case HARMONIC -> examples * examples / examplesPerNorm;
        case GEOMETRIC -> examples * Math.exp(examplesLogNorm / examples);
      };
      float[] out = Aggregations.novaStep(global, acc, examples, nTau);
      acc = null;
      examples = 0;
      exampleNorms = 0;
      examplesPerNorm = 0;
      examplesLogNorm = 0;
      return Optional.of(out);
    }
  }
}

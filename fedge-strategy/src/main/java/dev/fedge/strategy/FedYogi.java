package dev.fedge.strategy;

/**
 * FedYogi: Yogi on the server over the round's pseudo-gradient {@code Δ = avg − w}; as FedAdam but
 * the second moment moves additively, {@code v = v − (1−β2)·Δ²·sign(v − Δ²)}, which keeps it from
 * growing or shrinking too fast. Defaults as Flower's: η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3.
 *
 * <p>Reddi et al., "Adaptive Federated Optimization", ICLR 2021, <a
 * href="https://arxiv.org/abs/2003.00295">arXiv:2003.00295</a>. See {@link FedOpt}.
 */
public class FedYogi extends FedOpt {

  /** Default η. */
  public static final double DEFAULT_ETA = 0.01;

  /** Default β1. */
  public static final double DEFAULT_BETA_1 = 0.9;

  /** Default β2. */
  public static final double DEFAULT_BETA_2 = 0.99;

  /** Default τ. */
  public static final double DEFAULT_TAU = 1e-3;

  /**
   * Creates FedYogi.
   *
   * @param settings sampling and trainer settings
   * @param eta server learning rate η, &gt; 0
   * @param etaL client learning rate, &gt; 0, or NaN to keep the run's {@code lr}
   * @param beta1 β1 in [0, 1)
   * @param beta2 β2 in [0, 1)
   * @param tau adaptivity τ, &gt; 0
   */
  public FedYogi(
      StrategySettings settings, double eta, double etaL, double beta1, double beta2, double tau) {
    super("fedyogi", settings, eta, etaL, beta1, beta2, tau);
  }

  /** {@inheritDoc} */
  @Override
  protected ServerSteps.SecondMoment secondMoment() {
    return ServerSteps.SecondMoment.YOGI;
  }
}

package dev.fedge.strategy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FedAdagrad: Adagrad on the server over the round's pseudo-gradient {@code Δ = avg − w}: {@code v
 * = v + Δ²}, {@code w' = w + η·Δ / (√v + τ)} (β1 = 0, as Flower). Defaults: η = 0.01, τ = 1e-3,
 * as {@link FedAdam} and for the same reason (Flower's η = 0.1, τ = 1e-9 move every weight by about
 * η in the first round).
 *
 * <p>Reddi et al., "Adaptive Federated Optimization", ICLR 2021, <a
 * href="https://arxiv.org/abs/2003.00295">arXiv:2003.00295</a>. See {@link FedOpt}.
 */
public class FedAdagrad extends FedOpt {

  /** Default η. */
  public static final double DEFAULT_ETA = 0.01;

  /** Default τ. */
  public static final double DEFAULT_TAU = 1e-3;

  /**
   * Creates FedAdagrad.
   *
   * @param settings sampling and trainer settings
   * @param eta server learning rate η, &gt; 0
   * @param etaL client learning rate, &gt; 0, or NaN to keep the run's {@code lr}
   * @param tau adaptivity τ, &gt; 0
   */
  public FedAdagrad(StrategySettings settings, double eta, double etaL, double tau) {
    super("fedadagrad", settings, eta, etaL, 0, 0, tau);
  }

  /** {@inheritDoc} */
  @Override
  protected ServerSteps.SecondMoment secondMoment() {
    return ServerSteps.SecondMoment.ADAGRAD;
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>(super.parameters());
    p.remove("beta_1");
    p.remove("beta_2");
    return p;
  }
}

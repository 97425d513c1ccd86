package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FedNTD: FedAvg on the server; each client adds not-true distillation to its local loss (a KL
 * term between the local and global models' softened predictions over the classes other than the
 * true one, temperature τ, weight β), which preserves the global knowledge that non-IID local
 * training forgets. The strategy only tells the clients: {@code objective=fedntd}, {@code
 * ntd_tau}, {@code ntd_beta}.
 *
 * <p>Lee, Jeong, Kim, Oh, Yun, "Preservation of the Global Knowledge by Not-True Distillation in
 * Federated Learning", NeurIPS 2022, <a
 * href="https://arxiv.org/abs/2106.03097">arXiv:2106.03097</a>.
 */
public class FedNtd extends FedAvg {

  /** Default temperature τ. */
  public static final double DEFAULT_TAU = 1.0;

  /** Default weight β. */
  public static final double DEFAULT_BETA = 1.0;

  private final double tau;
  private final double beta;

  /**
   * Creates FedNTD.
   *
   * @param settings sampling and trainer settings
   * @param tau distillation temperature τ, &gt; 0
   * @param beta distillation weight β, &gt;= 0
   */
  public FedNtd(StrategySettings settings, double tau, double beta) {
    super(settings);
    this.tau = StrategyOptions.positive("fedntd", "tau", tau);
    this.beta = StrategyOptions.atLeast("fedntd", "beta", beta, 0);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedntd";
  }

  /** Adds {@code objective=fedntd}, {@code ntd_tau} and {@code ntd_beta}. */
  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round)
        .with(ConfigKeys.OBJECTIVE, "fedntd")
        .with(ConfigKeys.NTD_TAU, tau)
        .with(ConfigKeys.NTD_BETA, beta);
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("tau", tau);
    p.put("beta", beta);
    return p;
  }
}

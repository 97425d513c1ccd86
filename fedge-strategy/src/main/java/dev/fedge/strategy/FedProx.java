package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.Map;

/**
 * FedProx: FedAvg on the server; each client adds the proximal term {@code μ/2·‖w − w_global‖²}
 * to its local loss, which keeps heterogeneous clients from drifting far from the global model.
 * The strategy only tells the clients: {@code objective=fedprox} and {@code proximal_mu=μ}.
 *
 * <p>Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in Heterogeneous
 * Networks", MLSys 2020, <a href="https://arxiv.org/abs/1812.06127">arXiv:1812.06127</a>.
 */
public class FedProx extends FedAvg {

  /** Default μ. */
  public static final double DEFAULT_MU = 0.01;

  private final double mu;

  /**
   * Creates FedProx.
   *
   * @param settings sampling and trainer settings
   * @param mu proximal weight μ, &gt;= 0 (0 is FedAvg with FedProx's client code path)
   */
  public FedProx(StrategySettings settings, double mu) {
    super(settings);
    this.mu = StrategyOptions.atLeast("fedprox", "mu", mu, 0);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedprox";
  }

  /** Adds {@code objective=fedprox} and {@code proximal_mu}. */
  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round)
        .with(ConfigKeys.OBJECTIVE, "fedprox")
        .with(ConfigKeys.PROXIMAL_MU, mu);
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    return Map.of("mu", mu);
  }
}

package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FedPav with FedNTD's not-true distillation on the clients ({@code fedpav-ntd}; "FedPav+FedNTD"
 * in issue 15's table): the server does FedPav's partial averaging (the tensors matching {@code
 * local_layers}, by default the identity classifier {@code head.*}, stay on the clients), and each
 * client adds the not-true distillation term (temperature τ, weight β) against the round's
 * starting model, which is the global backbone with the client's own kept classifier.
 *
 * <p>Zhuang et al., "Performance Optimization for Federated Person Re-identification via
 * Benchmark Analysis", ACM MM 2020 (<a href="https://arxiv.org/abs/2008.11560">arXiv:2008.11560</a>);
 * Lee et al., "Preservation of the Global Knowledge by Not-True Distillation in Federated
 * Learning", NeurIPS 2022 (<a href="https://arxiv.org/abs/2106.03097">arXiv:2106.03097</a>).
 */
public class FedPavNtd extends FedPav {

  private final double tau;
  private final double beta;

  /**
   * Creates FedPav with not-true distillation.
   *
   * @param settings sampling and trainer settings
   * @param localLayers regular expression over tensor names; matching tensors stay on the clients
   * @param tau distillation temperature τ, &gt; 0
   * @param beta distillation weight β, &gt;= 0
   */
  public FedPavNtd(StrategySettings settings, String localLayers, double tau, double beta) {
    super(settings, localLayers);
    this.tau = StrategyOptions.positive("fedpav-ntd", "tau", tau);
    this.beta = StrategyOptions.atLeast("fedpav-ntd", "beta", beta, 0);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedpav-ntd";
  }

  /** FedPav's keys, and {@code objective=fedntd}, {@code ntd_tau}, {@code ntd_beta}. */
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
    Map<String, Object> p = new LinkedHashMap<>(super.parameters());
    p.put("tau", tau);
    p.put("beta", beta);
    return p;
  }
}

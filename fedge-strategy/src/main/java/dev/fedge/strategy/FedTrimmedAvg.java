package dev.fedge.strategy;

import dev.fedge.api.Parameters;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * FedTrimmedAvg: the new model is the coordinate-wise trimmed mean of the clients' models: in each
 * coordinate the {@code floor(β·K)} smallest and as many largest values are dropped and the rest
 * averaged (unweighted, as Flower's). Robust to a fraction β of bad updates.
 *
 * <p>Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards Optimal
 * Statistical Rates", ICML 2018, <a href="https://arxiv.org/abs/1803.01498">arXiv:1803.01498</a>.
 *
 * <p>Buffers every update of the round: O(K·P) memory for K updates of P values.
 */
public class FedTrimmedAvg extends FedAvg {

  /** Default fraction cut from each end. */
  public static final double DEFAULT_BETA = 0.2;

  private final double beta;

  /**
   * Creates FedTrimmedAvg.
   *
   * @param settings sampling and trainer settings
   * @param beta fraction cut from each end, in [0, 0.5)
   */
  public FedTrimmedAvg(StrategySettings settings, double beta) {
    super(settings);
    this.beta = StrategyOptions.inRange("fedtrimmedavg", "beta", beta, 0, 0.5);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedtrimmedavg";
  }

  /** Buffers the updates and takes their coordinate-wise trimmed mean. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new BufferedCombiner() {
      @Override
      Optional<float[]> combine(List<float[]> values, double[] examples) {
        return Optional.of(Aggregations.trimmedMean(values, beta));
      }
    };
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    return Map.of("beta", beta);
  }
}

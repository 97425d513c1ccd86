package dev.fedge.strategy;

import dev.fedge.api.Parameters;
import java.util.List;
import java.util.Optional;

/**
 * FedMedian: the new model is the coordinate-wise median of the clients' models (the mean of the
 * two middle values for an even count), which a minority of arbitrarily bad updates cannot move
 * far. Example counts play no part.
 *
 * <p>Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards Optimal
 * Statistical Rates", ICML 2018, <a href="https://arxiv.org/abs/1803.01498">arXiv:1803.01498</a>.
 *
 * <p>Buffers every update of the round: O(K·P) memory for K updates of P values, and O(P·K log K)
 * time.
 */
public class FedMedian extends FedAvg {

  /**
   * Creates FedMedian.
   *
   * @param settings sampling and trainer settings
   */
  public FedMedian(StrategySettings settings) {
    super(settings);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedmedian";
  }

  /** Buffers the updates and takes their coordinate-wise median. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new BufferedCombiner() {
      @Override
      Optional<float[]> combine(List<float[]> values, double[] examples) {
        return Optional.of(Aggregations.median(values));
      }
    };
  }
}

package dev.fedge.strategy;

import dev.fedge.api.Parameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Krum and Multi-Krum: each update is scored by the sum of its squared distances to its {@code K −
 * f − 2} nearest other updates; the new model is the best-scored update (m = 1, Krum) or the
 * example-weighted average of the m best (Multi-Krum, as Flower). Tolerates f Byzantine clients
 * when {@code K > 2f + 2}.
 *
 * <p>Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent", NeurIPS 2017, <a
 * href="https://proceedings.neurips.cc/paper/2017/hash/f4b9ec30ad9f68f89b29639786cb62ef-Abstract.html">proceedings</a>;
 * preprint "Byzantine-Tolerant Machine Learning", <a
 * href="https://arxiv.org/abs/1703.02757">arXiv:1703.02757</a>.
 *
 * <p>Buffers every update of the round: O(K·P) memory and O(K²·P) time for the pairwise distances.
 * {@code minClients > 2f + 2} is checked when the strategy is made; a round that still ends with
 * {@code K <= 2f + 2} results (clients failed) keeps the global model and reports {@value
 * #KRUM_SKIPPED} = 1. When fewer than m updates can be kept ({@code m > K − f}), the {@code K − f}
 * best are averaged; {@value #KRUM_SELECTED} reports how many were.
 */
public class Krum extends FedAvg {

  /** Metric: number of updates kept. */
  public static final String KRUM_SELECTED = "krum_selected";

  /** Metric: 1 when the round had too few results for Krum and kept the global model. */
  public static final String KRUM_SKIPPED = "krum_skipped";

  /** Default number of Byzantine clients tolerated. */
  public static final int DEFAULT_F = 0;

  /** Default number of updates averaged (1 = plain Krum). */
  public static final int DEFAULT_M = 1;

  private final int f;
  private final int m;

  /**
   * Creates Krum.
   *
   * @param settings sampling and trainer settings; {@code minClients} must exceed {@code 2f + 2}
   * @param f number of Byzantine clients tolerated, &gt;= 0
   * @param m number of best updates averaged, in [1, minClients − f]
   */
  public Krum(StrategySettings settings, int f, int m) {
    super(settings);
    if (f < 0) {
      throw StrategyOptions.bad("krum", "f", "must be >= 0", f);
    }
    if (settings.minClients() <= 2 * f + 2) {
      throw new IllegalArgumentException(
          "krum: option 'f' = " + f + " needs more than 2f + 2 = " + (2 * f + 2)
              + " clients per round, but min clients is " + settings.minClients());
    }
    if (m < 1 || m > settings.minClients() - f) {
      throw StrategyOptions.bad(
          "krum", "m", "must be in [1, min clients - f = " + (settings.minClients() - f) + "]", m);
    }
    this.f = f;
    this.m = m;
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "krum";
  }

  /** Buffers the updates and keeps the best-scored one(s). */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new BufferedCombiner() {
      private final Map<String, Double> metrics = new LinkedHashMap<>();

      @Override
      Optional<float[]> combine(List<float[]> values, double[] examples) {
        int k = values.size();
        if (k <= 2 * f + 2) {
          metrics.put(KRUM_SKIPPED, 1.0);
          metrics.put(KRUM_SELECTED, 0.0);
          return Optional.empty();
        }
        int keep = Math.min(m, k - f);
        int[] best = Aggregations.krumSelect(values, f, keep);
        metrics.put(KRUM_SELECTED, (double) keep);
        if (keep == 1) {
          return Optional.of(values.get(best[0]).clone());
        }
        List<float[]> chosen = new ArrayList<>();
        double[] weights = new double[keep];
        for (int i = 0; i < keep; i++) {
          chosen.add(values.get(best[i]));
          weights[i] = examples[best[i]];
        }
        return Optional.of(Aggregations.weightedAverage(chosen, weights));
      }

      @Override
      public Map<String, Double> metrics() {
        return metrics;
      }
    };
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("f", f);
    p.put("m", m);
    return p;
  }
}

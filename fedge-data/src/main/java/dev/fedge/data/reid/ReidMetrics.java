package dev.fedge.data.reid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CMC and mAP of a re-identification evaluation.
 *
 * @param cmc {@code cmc[k-1]}: fraction of valid queries with a true match within the top k
 * @param mAP mean average precision over valid queries
 * @param validQueries queries with at least one valid gallery match (the others are skipped)
 */
public record ReidMetrics(double[] cmc, double mAP, int validQueries) {

  /** Metric name: CMC at rank 1, a fraction in [0, 1]. */
  public static final String RANK1 = "rank1";

  /** Metric name: CMC at rank 5. */
  public static final String RANK5 = "rank5";

  /** Metric name: CMC at rank 10. */
  public static final String RANK10 = "rank10";

  /** Metric name: mean average precision, in [0, 1]. */
  public static final String MAP = "mAP";

  /** The metric names of {@link #toMap()}, in the order runs report them. */
  public static final List<String> NAMES = List.of(RANK1, RANK5, RANK10, MAP);

  /** Copies. */
  public ReidMetrics {
    cmc = cmc.clone();
  }

  /** The CMC at rank {@code k} (1-based); beyond the gallery's length, the last value. */
  public double rank(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("rank must be >= 1, got " + k);
    }
    return cmc.length == 0 ? 0 : cmc[Math.min(k, cmc.length) - 1];
  }

  /** CMC at rank 1. */
  public double rank1() {
    return rank(1);
  }

  /** CMC at rank 5. */
  public double rank5() {
    return rank(5);
  }

  /** CMC at rank 10. */
  public double rank10() {
    return rank(10);
  }

  /** A copy of the CMC curve. */
  @Override
  public double[] cmc() {
    return cmc.clone();
  }

  /**
   * The numbers as named metrics.
   *
   * @return {@value #RANK1}, {@value #RANK5}, {@value #RANK10} and {@value #MAP}, in that order
   */
  public Map<String, Double> toMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(RANK1, rank1());
    m.put(RANK5, rank5());
    m.put(RANK10, rank10());
    m.put(MAP, mAP);
    return m;
  }
}

package dev.fedge.data.reid;

/**
 * CMC and mAP of a re-identification evaluation.
 *
 * @param cmc {@code cmc[k-1]}: fraction of valid queries with a true match within the top k
 * @param mAP mean average precision over valid queries
 * @param validQueries queries with at least one valid gallery match (the others are skipped)
 */
public record ReidMetrics(double[] cmc, double mAP, int validQueries) {

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
}

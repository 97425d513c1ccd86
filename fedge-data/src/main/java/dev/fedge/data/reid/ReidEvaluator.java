package dev.fedge.data.reid;

import java.util.Arrays;
import java.util.Comparator;

/**
 * CMC and mAP with the standard Market-1501 / VeRi-776 protocol, as in {@code eval_market1501}
 * of open-reid and fast-reid: for each query the gallery is ranked by distance; gallery images of
 * the query's identity taken by the query's camera are ignored, and so are junk images (identity
 * {@link #JUNK}); a query with no valid match left is skipped. Distances are Euclidean between
 * L2-normalised embeddings, which rank exactly as cosine similarity does. Pure Java, no DJL.
 */
public final class ReidEvaluator {

  /** Identity of a junk gallery image: neither a match nor a non-match. */
  public static final int JUNK = -1;

  private ReidEvaluator() {}

  /**
   * Evaluates query embeddings against gallery embeddings.
   *
   * @param query query embeddings, one row per image
   * @param queryIds query identities
   * @param queryCams query cameras
   * @param gallery gallery embeddings, same width as the queries
   * @param galleryIds gallery identities ({@link #JUNK} for junk)
   * @param galleryCams gallery cameras
   * @param maxRank length of the CMC curve (cut to the gallery's size)
   * @return CMC and mAP
   */
  public static ReidMetrics evaluate(float[][] query, int[] queryIds, int[] queryCams,
      float[][] gallery, int[] galleryIds, int[] galleryCams, int maxRank) {
    check("query", query, queryIds, queryCams);
    check("gallery", gallery, galleryIds, galleryCams);
    double[][] q = normalized(query);
    double[][] g = normalized(gallery);
    double[][] dist = new double[q.length][g.length];
    for (int i = 0; i < q.length; i++) {
      if (g.length > 0 && q[i].length != g[0].length) {
        throw new IllegalArgumentException("query " + i + " has " + q[i].length
            + " dimensions, gallery has " + g[0].length);
      }
      for (int j = 0; j < g.length; j++) {
        double s = 0;
        for (int d = 0; d < q[i].length; d++) {
          double t = q[i][d] - g[j][d];
          s += t * t;
        }
        dist[i][j] = s;
      }
    }
    return evaluateDistances(dist, queryIds, queryCams, galleryIds, galleryCams, maxRank);
  }

  /**
   * Evaluates a query-by-gallery distance matrix (smaller is closer; ties keep gallery order).
   *
   * @param dist {@code dist[i][j]}: distance of query i to gallery j
   * @param queryIds query identities
   * @param queryCams query cameras
   * @param galleryIds gallery identities ({@link #JUNK} for junk)
   * @param galleryCams gallery cameras
   * @param maxRank length of the CMC curve (cut to the gallery's size)
   * @return CMC and mAP
   */
  public static ReidMetrics evaluateDistances(double[][] dist, int[] queryIds, int[] queryCams,
      int[] galleryIds, int[] galleryCams, int maxRank) {
    if (maxRank < 1) {
      throw new IllegalArgumentException("maxRank must be >= 1, got " + maxRank);
    }
    int nq = queryIds.length;
    int ng = galleryIds.length;
    if (dist.length != nq || queryCams.length != nq || galleryCams.length != ng) {
      throw new IllegalArgumentException("sizes differ: " + dist.length + " distance rows, "
          + nq + " query ids, " + queryCams.length + " query cameras, " + ng + " gallery ids, "
          + galleryCams.length + " gallery cameras");
    }
    int len = Math.min(maxRank, ng);
    double[] cmc = new double[len];
    double apSum = 0;
    int valid = 0;
    Integer[] order = new Integer[ng];
    for (int i = 0; i < nq; i++) {
      double[] row = dist[i];
      if (row.length != ng) {
        throw new IllegalArgumentException(
            "distance row " + i + " has " + row.length + " columns, gallery has " + ng);
      }
      for (int j = 0; j < ng; j++) {
        order[j] = j;
      }
      Arrays.sort(order, Comparator.comparingDouble(j -> row[j]));
      int rank = 0;
      int hits = 0;
      int firstHit = -1;
      double precisionSum = 0;
      for (int j : order) {
        if (galleryIds[j] == JUNK
            || (galleryIds[j] == queryIds[i] && galleryCams[j] == queryCams[i])) {
          continue;
        }
        rank++;
        if (galleryIds[j] == queryIds[i]) {
          hits++;
          precisionSum += (double) hits / rank;
          if (firstHit < 0) {
            firstHit = rank;
          }
        }
      }
      if (hits == 0) {
        continue;
      }
      valid++;
      apSum += precisionSum / hits;
      for (int k = firstHit - 1; k < len; k++) {
        cmc[k] += 1;
      }
    }
    if (valid == 0) {
      throw new IllegalArgumentException(
          "no query has a valid gallery match (same identity from another camera)");
    }
    for (int k = 0; k < len; k++) {
      cmc[k] /= valid;
    }
    return new ReidMetrics(cmc, apSum / valid, valid);
  }

  private static void check(String what, float[][] x, int[] ids, int[] cams) {
    if (x.length != ids.length || x.length != cams.length) {
      throw new IllegalArgumentException(what + ": " + x.length + " embeddings, " + ids.length
          + " ids, " + cams.length + " cameras");
    }
  }

  private static double[][] normalized(float[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double n = 0;
      for (float v : x[i]) {
        n += (double) v * v;
      }
      n = Math.max(Math.sqrt(n), 1e-12);
      out[i] = new double[x[i].length];
      for (int d = 0; d < x[i].length; d++) {
        out[i][d] = x[i][d] / n;
      }
    }
    return out;
  }
}

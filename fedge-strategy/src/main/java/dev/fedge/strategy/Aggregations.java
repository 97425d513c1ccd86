package dev.fedge.strategy;

import dev.fedge.api.FoldableValues;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The aggregation maths, as pure static functions over flat parameter vectors: no server, no
 * clients, no state. Strategies call these; tests check them against hand-computed cases.
 *
 * <p>Vectors are {@code float[]} (the models' own precision); sums are kept in {@code double}.
 * Element-wise loops over large vectors (at least {@value #PARALLEL_MIN} values) are split into
 * contiguous ranges across the available cores; every element is still computed by the same
 * arithmetic in the same order, so results are bit-identical to a single-threaded loop on any
 * machine.
 */
public final class Aggregations {

  /** Vectors with at least this many values are split across cores. */
  public static final int PARALLEL_MIN = 1 << 20;

  /** Smallest range one core works on. */
  private static final int CHUNK_MIN = 1 << 18;

  private Aggregations() {}

  // ---------------------------------------------------------------- weighted average (FedAvg)

  /**
   * Folds one vector into a weighted sum: {@code acc[i] += weight * values[i]}. The streaming core
   * of FedAvg: a double accumulator of P values replaces K stored updates.
   *
   * @param acc the running weighted sum, updated in place
   * @param values one client's values
   * @param weight its weight, e.g. its number of examples
   */
  public static void fold(double[] acc, float[] values, double weight) {
    sameLength("values", acc.length, values.length);
    forRanges(acc.length, (from, to) -> foldRange(acc, values, weight, from, to));
  }

  /**
   * Folds one update's values as they arrived (e.g. an upload's float32 bytes), without a decoded
   * copy: {@code acc[i] += weight * values[i]}, bit-identical to {@link #fold(double[], float[],
   * double)} of the decoded array.
   *
   * @param acc the running weighted sum, updated in place
   * @param values one client's values
   * @param weight its weight
   */
  public static void fold(double[] acc, FoldableValues values, double weight) {
    sameLength("values", acc.length, values.size());
    forRanges(acc.length, (from, to) -> values.foldRange(acc, weight, from, to));
  }

  private static void foldRange(double[] acc, float[] values, double weight, int from, int to) {
    for (int i = from; i < to; i++) {
      acc[i] += weight * values[i];
    }
  }

  /**
   * Folds a weighted difference: {@code acc[i] += weight * (from[i] - values[i])}. FedNova's
   * streaming core, with {@code from} the global model.
   *
   * @param acc the running sum, updated in place
   * @param from the vector the difference starts from
   * @param values one client's values
   * @param weight its weight
   */
  public static void foldDifference(double[] acc, float[] from, float[] values, double weight) {
    sameLength("from", acc.length, from.length);
    sameLength("values", acc.length, values.length);
    forRanges(
        acc.length,
        (lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            acc[i] += weight * ((double) from[i] - values[i]);
          }
        });
  }

  /**
   * Scales an accumulator back to model precision: {@code (float) (acc[i] * factor)}.
   *
   * @param acc the accumulator
   * @param factor the scale, e.g. 1 / total weight
   * @return a new vector
   */
  public static float[] scaled(double[] acc, double factor) {
    float[] out = new float[acc.length];
    forRanges(
        acc.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[i] = (float) (acc[i] * factor);
          }
        });
    return out;
  }

  /**
   * The weighted average of vectors held all at once, {@code Σ w_k x_k / Σ w_k}; bit-identical to
   * folding them one by one with {@link #fold} and scaling by {@code 1 / Σ w_k}.
   *
   * @param values the vectors, all of one length
   * @param weights one weight per vector, each &gt;= 0, with a positive sum
   * @return the average
   */
  public static float[] weightedAverage(List<float[]> values, double[] weights) {
    nonEmpty(values);
    if (weights.length != values.size()) {
      throw new IllegalArgumentException(
          "weights: expected " + values.size() + " weights, got " + weights.length);
    }
    double total = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights: each must be finite and >= 0, got " + w);
      }
      total += w;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("weights: the sum must be > 0, got " + total);
    }
    double[] acc = new double[values.get(0).length];
    for (int k = 0; k < values.size(); k++) {
      fold(acc, values.get(k), weights[k]);
    }
    return scaled(acc, 1.0 / total);
  }

  /**
   * Index of the first value that is NaN or infinite, or -1 when all are finite.
   *
   * @param values the vector to scan
   * @return the lowest index of a non-finite value, or -1
   */
  public static int firstNonFinite(float[] values) {
    int chunks = chunks(values.length);
    if (chunks <= 1) {
      return firstNonFinite(values, 0, values.length);
    }
    return IntStream.range(0, chunks)
        .parallel()
        .map(
            c ->
                firstNonFinite(
                    values, start(values.length, chunks, c), start(values.length, chunks, c + 1)))
        .filter(i -> i >= 0)
        .min()
        .orElse(-1);
  }

  private static int firstNonFinite(float[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- robust statistics

  /**
   * The coordinate-wise median (Yin et al. 2018); for an even count, the mean of the two middle
   * values, as numpy's {@code median}. Weights play no part.
   *
   * @param values the vectors, all of one length
   * @return the median vector
   */
  public static float[] median(List<float[]> values) {
    int n = nonEmpty(values);
    int p = values.get(0).length;
    float[][] rows = rows(values, p);
    float[] out = new float[p];
    forRanges(
        p,
        (from, to) -> {
          float[] column = new float[n];
          for (int i = from; i < to; i++) {
            for (int k = 0; k < n; k++) {
              column[k] = rows[k][i];
            }
            Arrays.sort(column);
            out[i] =
                n % 2 == 1
                    ? column[n / 2]
                    : (float) (((double) column[n / 2 - 1] + column[n / 2]) / 2);
          }
        });
    return out;
  }

  /**
   * The coordinate-wise trimmed mean: in each coordinate, drops the {@code floor(beta * n)}
   * smallest and as many largest values and averages the rest (scipy's {@code trim_mean}, as
   * Flower's FedTrimmedAvg). Weights play no part.
   *
   * @param values the vectors, all of one length
   * @param beta fraction cut from each end, in [0, 0.5)
   * @return the trimmed mean vector
   */
  public static float[] trimmedMean(List<float[]> values, double beta) {
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("beta: must be in [0, 0.5), got " + beta);
    }
    int n = nonEmpty(values);
    int p = values.get(0).length;
    float[][] rows = rows(values, p);
    int cut = (int) (beta * n);
    int kept = n - 2 * cut;
    float[] out = new float[p];
    forRanges(
        p,
        (from, to) -> {
          float[] column = new float[n];
          for (int i = from; i < to; i++) {
            for (int k = 0; k < n; k++) {
              column[k] = rows[k][i];
            }
            Arrays.sort(column);
            double s = 0;
            for (int k = cut; k < n - cut; k++) {
              s += column[k];
            }
            out[i] = (float) (s / kept);
          }
        });
    return out;
  }

  /**
   * Squared Euclidean distances between every pair of vectors. Each distance is summed by one
   * thread in a fixed order, so the matrix is the same on every machine.
   *
   * @param values the vectors, all of one length
   * @return a symmetric matrix with a zero diagonal
   */
  public static double[][] squaredDistances(List<float[]> values) {
    int n = nonEmpty(values);
    int p = values.get(0).length;
    float[][] rows = rows(values, p);
    double[][] d = new double[n][n];
    int pairs = n * (n - 1) / 2;
    IntStream.range(0, pairs)
        .parallel()
        .forEach(
            pair -> {
              int i = 0;
              int left = pair;
              while (left >= n - 1 - i) {
                left -= n - 1 - i;
                i++;
              }
              int j = i + 1 + left;
              double s = squaredDistance(rows[i], rows[j]);
              d[i][j] = s;
              d[j][i] = s;
            });
    return d;
  }

  private static double squaredDistance(float[] a, float[] b) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < a.length; i += 4) {
      double d0 = (double) a[i] - b[i];
      double d1 = (double) a[i + 1] - b[i + 1];
      double d2 = (double) a[i + 2] - b[i + 2];
      double d3 = (double) a[i + 3] - b[i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < a.length; i++) {
      double d0 = (double) a[i] - b[i];
      s0 += d0 * d0;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * Krum's scores (Blanchard et al. 2017): for each vector, the sum of its squared distances to
   * its {@code n - f - 2} nearest other vectors. Lower is more central.
   *
   * @param distances squared distances, as from {@link #squaredDistances}
   * @param f the number of Byzantine vectors tolerated; needs {@code n > 2f + 2}
   * @return one score per vector
   */
  public static double[] krumScores(double[][] distances, int f) {
    int n = distances.length;
    if (f < 0) {
      throw new IllegalArgumentException("f: must be >= 0, got " + f);
    }
    if (n <= 2 * f + 2) {
      throw new IllegalArgumentException(
          "krum needs more than 2f + 2 = " + (2 * f + 2) + " vectors, got " + n);
    }
    int nearest = n - f - 2;
    double[] scores = new double[n];
    double[] others = new double[n - 1];
    for (int i = 0; i < n; i++) {
      int k = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          others[k++] = distances[i][j];
        }
      }
      Arrays.sort(others);
      double s = 0;
      for (int j = 0; j < nearest; j++) {
        s += others[j];
      }
      scores[i] = s;
    }
    return scores;
  }

  /**
   * Krum's (m = 1) or Multi-Krum's choice: the indices of the {@code m} vectors with the lowest
   * {@link #krumScores}, best first, ties broken by the lower index.
   *
   * @param values the vectors, all of one length
   * @param f the number of Byzantine vectors tolerated; needs {@code n > 2f + 2}
   * @param m how many to keep, in [1, n]
   * @return the chosen indices
   */
  public static int[] krumSelect(List<float[]> values, int f, int m) {
    int n = nonEmpty(values);
    if (m < 1 || m > n) {
      throw new IllegalArgumentException("m: must be in [1, " + n + "], got " + m);
    }
    double[] scores = krumScores(squaredDistances(values), f);
    return IntStream.range(0, n)
        .boxed()
        .sorted((a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b]) : a - b)
        .limit(m)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  // ---------------------------------------------------------------- FedNova

  /**
   * FedNova's normalised averaging (Wang et al. 2020) of updates held all at once: with {@code p_i
   * = n_i / n} and {@code d_i = (w_g - w_i) / tau_i}, {@code w = w_g - (Σ p_i tau_i) · Σ p_i d_i}.
   * Equals the weighted average when every {@code tau_i} is the same.
   *
   * @param global the global model the clients started from
   * @param locals the clients' models
   * @param examples each client's number of examples {@code n_i}
   * @param steps each client's number of local steps {@code tau_i}, each &gt; 0
   * @return the new global model
   */
  public static float[] fedNova(
      float[] global, List<float[]> locals, double[] examples, double[] steps) {
    int k = nonEmpty(locals);
    if (examples.length != k || steps.length != k) {
      throw new IllegalArgumentException(
          "fedNova: expected " + k + " example counts and steps, got " + examples.length + " and "
              + steps.length);
    }
    double[] acc = new double[global.length];
    double n = 0;
    double nTau = 0;
    for (int i = 0; i < k; i++) {
      if (!(steps[i] > 0) || Double.isInfinite(steps[i])) {
        throw new IllegalArgumentException("steps: each must be finite and > 0, got " + steps[i]);
      }
      foldDifference(acc, global, locals.get(i), examples[i] / steps[i]);
      n += examples[i];
      nTau += examples[i] * steps[i];
    }
    return novaStep(global, acc, n, nTau);
  }

  /**
   * Finishes a streaming FedNova round: {@code w = w_g - (nTau / n) · acc / n}, where {@code acc =
   * Σ (n_i / tau_i)(w_g - w_i)} was built with {@link #foldDifference}.
   *
   * @param global the global model
   * @param acc the folded, step-normalised differences
   * @param n total examples {@code Σ n_i}
   * @param nTau {@code Σ n_i tau_i}
   * @return the new global model
   */
  public static float[] novaStep(float[] global, double[] acc, double n, double nTau) {
    sameLength("acc", global.length, acc.length);
    if (!(n > 0)) {
      throw new IllegalArgumentException("n: must be > 0, got " + n);
    }
    return ServerSteps.descend(global, acc, (nTau / n) / n);
  }

  // ---------------------------------------------------------------- helpers

  /** Work on the range {@code [from, to)}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int from, int to);
  }

  /** Runs the task over {@code [0, n)}, split into contiguous ranges across cores when large. */
  static void forRanges(int n, RangeTask task) {
    int chunks = chunks(n);
    if (chunks <= 1) {
      task.run(0, n);
      return;
    }
    IntStream.range(0, chunks)
        .parallel()
        .forEach(c -> task.run(start(n, chunks, c), start(n, chunks, c + 1)));
  }

  private static int chunks(int n) {
    if (n < PARALLEL_MIN) {
      return 1;
    }
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / CHUNK_MIN));
  }

  private static int start(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  private static int nonEmpty(List<float[]> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("values: need at least one vector, got none");
    }
    return values.size();
  }

  private static float[][] rows(List<float[]> values, int p) {
    float[][] rows = new float[values.size()][];
    for (int k = 0; k < rows.length; k++) {
      rows[k] = values.get(k);
      if (rows[k].length != p) {
        throw new IllegalArgumentException(
            "values: vector " + k + " has " + rows[k].length + " values, expected " + p);
      }
    }
    return rows;
  }

  static void sameLength(String what, int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          what + ": expected " + expected + " values, got " + actual);
    }
  }
}

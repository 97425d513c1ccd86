package dev.fedge.data.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Label skew by Dirichlet sampling: for each class, the shares of its samples that go to each
 * client are drawn from Dir(alpha, ..., alpha). Small alpha (0.1) gives each client few classes;
 * large alpha (100) is close to IID. From Hsu, Qi and Brown, "Measuring the Effects of
 * Non-Identical Data Distribution for Federated Visual Classification" (arXiv:1909.06335), in the
 * per-class form used by NIID-Bench (Li et al., ICDE 2022, arXiv:2102.02079): a client already
 * holding its fair share {@code n / clients} gets no more, and the draw is repeated until every
 * client has at least {@code min(10, n / (2 * clients))} samples (at most 200 tries; after that,
 * clients with no samples take one each from the largest clients, so none is ever empty).
 */
public final class DirichletPartitioner implements Partitioner {

  private static final int MAX_TRIES = 200;

  private final double alpha;

  /**
   * A Dirichlet partitioner.
   *
   * @param alpha concentration, finite and > 0
   */
  public DirichletPartitioner(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException(
          "partition: alpha must be a finite number > 0, got " + alpha + " in 'dirichlet:"
              + alpha + "'");
    }
    this.alpha = alpha;
  }

  /** The concentration parameter. */
  public double alpha() {
    return alpha;
  }

  /** {@inheritDoc} */
  @Override
  public String spec() {
    return "dirichlet:" + java.math.BigDecimal.valueOf(alpha).stripTrailingZeros().toPlainString();
  }

  /** {@inheritDoc} */
  @Override
  public Partition partition(int[] labels, int numClasses, int clients, long seed) {
    Partitioner.checkArguments(spec(), labels, numClasses, clients);
    int n = labels.length;
    int minSize = Math.max(1, Math.min(10, n / (2 * clients)));
    SplittableRandom rnd = new SplittableRandom(seed);
    int[][] byClass = byClass(labels, numClasses);
    List<List<Integer>> parts = null;
    for (int t = 0; t < MAX_TRIES; t++) {
      parts = draw(byClass, n, clients, rnd);
      if (smallest(parts) >= minSize) {
        break;
      }
    }
    fillEmpty(parts, rnd);
    int[][] out = new int[clients][];
    for (int c = 0; c < clients; c++) {
      out[c] = parts.get(c).stream().mapToInt(Integer::intValue).toArray();
    }
    return Partition.of(spec(), seed, labels, numClasses, out);
  }

  private List<List<Integer>> draw(int[][] byClass, int n, int clients, SplittableRandom rnd) {
    List<List<Integer>> parts = new ArrayList<>(clients);
    for (int c = 0; c < clients; c++) {
      parts.add(new ArrayList<>());
    }
    double fair = (double) n / clients;
    double[] p = new double[clients];
    for (int[] cls : byClass) {
      int[] idx = cls.clone();
      Partitioner.shuffle(idx, rnd);
      dirichlet(p, rnd);
      double sum = 0;
      for (int c = 0; c < clients; c++) {
        if (parts.get(c).size() >= fair) {
          p[c] = 0;
        }
        sum += p[c];
      }
      if (sum == 0) { // cannot happen while some client is below its fair share; be safe
        Arrays.fill(p, 1.0);
        sum = clients;
      }
      double cum = 0;
      int from = 0;
      for (int c = 0; c < clients; c++) {
        cum += p[c] / sum;
        int to = c == clients - 1 ? idx.length : (int) Math.min(idx.length, cum * idx.length);
        for (int i = from; i < to; i++) {
          parts.get(c).add(idx[i]);
        }
        from = Math.max(from, to);
      }
    }
    return parts;
  }

  /** Fills {@code p} with a draw from Dir(alpha), computed in log space so tiny alphas work. */
  private void dirichlet(double[] p, RandomGenerator rnd) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < p.length; i++) {
      p[i] = logGamma(alpha, rnd);
      max = Math.max(max, p[i]);
    }
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(p[i] - max);
    }
  }

  /**
   * The log of a Gamma(shape, 1) draw: Marsaglia and Tsang (2000) for shape >= 1, boosted by
   * {@code U^(1/shape)} below 1.
   */
  static double logGamma(double shape, RandomGenerator rnd) {
    if (shape < 1) {
      double u = rnd.nextDouble();
      while (u == 0) {
        u = rnd.nextDouble();
      }
      return logGamma(shape + 1, rnd) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rnd.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rnd.nextDouble();
      if (u > 0 && Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return Math.log(d * v);
      }
    }
  }

  private static void fillEmpty(List<List<Integer>> parts, SplittableRandom rnd) {
    for (List<Integer> part : parts) {
      if (part.isEmpty()) {
        List<Integer> largest = parts.get(0);
        for (List<Integer> q : parts) {
          if (q.size() > largest.size()) {
            largest = q;
          }
        }
        part.add(largest.remove(rnd.nextInt(largest.size())));
      }
    }
  }

  private static int smallest(List<List<Integer>> parts) {
    int m = Integer.MAX_VALUE;
    for (List<Integer> p : parts) {
      m = Math.min(m, p.size());
    }
    return m;
  }

  private static int[][] byClass(int[] labels, int numClasses) {
    int[] counts = new int[numClasses];
    for (int l : labels) {
      counts[l]++;
    }
    int[][] out = new int[numClasses][];
    for (int k = 0; k < numClasses; k++) {
      out[k] = new int[counts[k]];
    }
    int[] fill = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      out[labels[i]][fill[labels[i]]++] = i;
    }
    return out;
  }

  @Override
  public String toString() {
    return spec();
  }
}

package dev.fedge.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the clients of a round, reproducibly: the same (seed, round) and the same available
 * clients always give the same sample, and different rounds give different samples.
 *
 * <p>The sample has {@code max(minClients, ceil(fraction * available))} clients, capped at the
 * number available. It is drawn by a partial Fisher–Yates shuffle driven by a {@link
 * SplittableRandom} seeded from a mix of the seed and the round, and returned in the order of the
 * available list.
 */
public final class ClientSampler {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private ClientSampler() {}

  /**
   * How many clients a round samples.
   *
   * @param available number of clients available, &gt;= 0
   * @param fraction fraction to sample, in (0, 1]
   * @param minClients lower bound, &gt;= 1
   * @return {@code min(available, max(minClients, ceil(fraction * available)))}
   */
  public static int sampleSize(int available, double fraction, int minClients) {
    if (available < 0) {
      throw new IllegalArgumentException("available: must be >= 0, got " + available);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction: must be in (0, 1], got " + fraction);
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("minClients: must be >= 1, got " + minClients);
    }
    // the epsilon keeps 0.1 * 30 = 3.0000000000000004 from becoming 4
    int byFraction = (int) Math.ceil(fraction * available - 1e-9);
    return Math.min(available, Math.max(minClients, byFraction));
  }

  /**
   * Samples the clients of a round.
   *
   * @param available the clients available now, in a stable order
   * @param fraction fraction to sample, in (0, 1]
   * @param minClients lower bound, &gt;= 1
   * @param seed the run's seed
   * @param round the round number
   * @param <T> client type
   * @return the sampled clients, in the order of {@code available}
   */
  public static <T> List<T> sample(
      List<T> available, double fraction, int minClients, long seed, int round) {
    int k = sampleSize(available.size(), fraction, minClients);
    return sample(available, k, seed, round);
  }

  /**
   * Samples a given number of clients uniformly without replacement, reproducibly from (seed,
   * stream): the draw of {@link #sample(List, double, int, long, int)} with its size given.
   *
   * @param available the clients to choose from, in a stable order
   * @param count how many to choose, in [0, available.size()]
   * @param seed a seed
   * @param stream the stream within that seed (a round, a draw, ...)
   * @param <T> client type
   * @return the chosen clients, in the order of {@code available}
   */
  public static <T> List<T> sample(List<T> available, int count, long seed, long stream) {
    int n = available.size();
    if (count < 0 || count > n) {
      throw new IllegalArgumentException(
          "count: must be in [0, " + n + "] (the clients available), got " + count);
    }
    if (count == n) {
      return List.copyOf(available);
    }
    SplittableRandom random = new SplittableRandom(mix(seed, stream));
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(n - i);
      int t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    int[] chosen = Arrays.copyOf(index, count);
    Arrays.sort(chosen);
    List<T> out = new ArrayList<>(count);
    for (int i : chosen) {
      out.add(available.get(i));
    }
    return List.copyOf(out);
  }

  /**
   * Mixes a seed and a round into one well-spread seed (MurmurHash3's 64-bit finaliser applied to
   * the seed, then to that plus the round times the golden ratio), so neighbouring seeds and
   * rounds give unrelated streams.
   *
   * @param seed the run's seed
   * @param round the round (or any other stream number)
   * @return the mixed seed
   */
  public static long mix(long seed, long round) {
    return fmix64(fmix64(seed) + GOLDEN * (round + 1));
  }

  private static long fmix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}

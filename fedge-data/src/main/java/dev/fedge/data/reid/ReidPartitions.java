package dev.fedge.data.reid;

import dev.fedge.data.partition.Partition;
import dev.fedge.data.partition.Partitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Splits a re-identification training split across clients. Besides the label partitions of
 * {@link Partitioner#parse} (over identities: {@code iid}, {@code dirichlet:A}, {@code shards:K}),
 * two that re-identification needs:
 *
 * <ul>
 *   <li>{@code camera}: the cameras, in a seeded order, are dealt to the clients in turn, and each
 *       client gets every image from its cameras (the natural non-IID split of FedPav's benchmark:
 *       one client per place). Needs at least as many cameras as clients.
 *   <li>{@code identity:N}: the identities, in a seeded order, are dealt to the clients in turn,
 *       {@code N} at a time, so the clients' identity sets are disjoint (each client holds about
 *       {@code N} identities per turn; with {@code N=1} plain round-robin).
 * </ul>
 *
 * <p>The partition's labels are the identities, so its histograms count images per identity.
 */
public final class ReidPartitions {

  private ReidPartitions() {}

  /**
   * Splits a training split.
   *
   * @param spec {@code camera}, {@code identity:N}, or a spec of {@link Partitioner#parse}
   * @param train the training images
   * @param clients number of clients
   * @param seed the same seed gives the same partition
   * @return the partition (labels: the identities)
   * @throws IllegalArgumentException with one line naming the spec and what is wrong
   */
  public static Partition partition(String spec, ReidImages train, int clients, long seed) {
    int[] ids = train.identities();
    int numIds = train.images().numClasses();
    for (int id : ids) {
      numIds = Math.max(numIds, id + 1);
    }
    String s = spec == null ? "" : spec.strip();
    if (s.equals("camera")) {
      return byGroup(s, ids, numIds, train.cameras(), 1, clients, seed, "cameras");
    }
    if (s.equals("identity") || s.startsWith("identity:")) {
      String arg = s.equals("identity") ? "" : s.substring("identity:".length()).strip();
      int per;
      try {
        per = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "partition: bad identity count '" + arg + "' in '" + s
                + "': expected identity:N with N >= 1 identities per turn, e.g. identity:1");
      }
      if (per < 1) {
        throw new IllegalArgumentException(
            "partition: identities per turn must be >= 1, got " + per + " in '" + s + "'");
      }
      return byGroup(s, ids, numIds, ids, per, clients, seed, "identities");
    }
    return Partitioner.parse(s).partition(ids, numIds, clients, seed);
  }

  /** Deals the distinct values of {@code groups}, shuffled, to the clients {@code per} at a time. */
  private static Partition byGroup(
      String spec, int[] ids, int numIds, int[] groups, int per, int clients, long seed,
      String what) {
    if (clients < 1) {
      throw new IllegalArgumentException(spec + ": clients must be >= 1, got " + clients);
    }
    int[] distinct = new TreeSet<Integer>(box(groups)).stream().mapToInt(Integer::intValue)
        .toArray();
    if (distinct.length < clients) {
      throw new IllegalArgumentException(
          spec + ": " + clients + " clients but the training split has only " + distinct.length
              + " " + what);
    }
    Partitioner.shuffle(distinct, new SplittableRandom(seed));
    java.util.Map<Integer, Integer> owner = new java.util.HashMap<>();
    for (int k = 0; k < distinct.length; k++) {
      owner.put(distinct[k], (k / per) % clients);
    }
    List<List<Integer>> parts = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      parts.add(new ArrayList<>());
    }
    for (int i = 0; i < groups.length; i++) {
      parts.get(owner.get(groups[i])).add(i);
    }
    int[][] out = new int[clients][];
    for (int c = 0; c < clients; c++) {
      if (parts.get(c).isEmpty()) {
        throw new IllegalArgumentException(
            spec + ": client " + c + " gets no " + what + " (" + distinct.length + " " + what
                + " for " + clients + " clients); use a smaller N or fewer clients");
      }
      out[c] = parts.get(c).stream().mapToInt(Integer::intValue).toArray();
    }
    return Partition.of(spec, seed, ids, numIds, out);
  }

  private static List<Integer> box(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return l;
  }
}

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

  /**
   * A device's share of the query and the gallery, for its own retrieval evaluation.
   *
   * @param query the device's queries
   * @param gallery the device's gallery images
   * @param rule how they were chosen, for the log
   */
  public record EvaluationShare(List<ReidSample> query, List<ReidSample> gallery, String rule) {

    /** Copies the lists. */
    public EvaluationShare {
      query = List.copyOf(query);
      gallery = List.copyOf(gallery);
    }

    /**
     * The queries with a valid match under the standard protocol: a gallery image of the same
     * identity from another camera.
     *
     * @return how many queries the evaluation will count
     */
    public int validQueries() {
      java.util.Map<Integer, TreeSet<Integer>> cams = new java.util.HashMap<>();
      for (ReidSample g : gallery) {
        cams.computeIfAbsent(g.identity(), k -> new TreeSet<>()).add(g.camera());
      }
      int n = 0;
      for (ReidSample q : query) {
        TreeSet<Integer> c = cams.get(q.identity());
        if (c != null && (c.size() > 1 || !c.contains(q.camera()))) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * A device's share of the query and the gallery. With the {@code camera} partition it is what
   * its cameras saw: the queries and gallery images from {@code cameras} (the protocol then
   * matches across the device's own cameras, so a device with one camera has no valid query).
   * With any other partition the test identities (those of the query and the gallery, in order)
   * are dealt to the devices in turn, and a device gets all query and gallery images of its
   * identities; distractors (identity 0) are dealt image by image. Query and gallery identities
   * are disjoint from the training ones in VeRi-776 and Market-1501, so this is not the training
   * partition's identity split, only a disjoint share of the same kind.
   *
   * @param spec the training partition's spec ({@code camera}, {@code identity:N}, ...)
   * @param query the whole query split
   * @param gallery the whole gallery split
   * @param cameras the device's cameras (its training share's), used with {@code camera}
   * @param client the device's index, in [0, clients)
   * @param clients number of devices
   * @return the device's query and gallery
   * @throws IllegalArgumentException for a client index outside [0, clients)
   */
  public static EvaluationShare evaluationShare(String spec, List<ReidSample> query,
      List<ReidSample> gallery, java.util.Set<Integer> cameras, int client, int clients) {
    if (clients < 1 || client < 0 || client >= clients) {
      throw new IllegalArgumentException("evaluation share: client " + client
          + " must be in [0, " + clients + ")");
    }
    if ("camera".equals(spec == null ? "" : spec.strip())) {
      return new EvaluationShare(
          query.stream().filter(x -> cameras.contains(x.camera())).toList(),
          gallery.stream().filter(x -> cameras.contains(x.camera())).toList(),
          "queries and gallery images of cameras " + new TreeSet<>(cameras));
    }
    TreeSet<Integer> ids = new TreeSet<>();
    query.forEach(x -> ids.add(x.identity()));
    gallery.forEach(x -> ids.add(x.identity()));
    ids.remove(0);
    java.util.Set<Integer> mine = new java.util.HashSet<>();
    int k = 0;
    for (int id : ids) {
      if (k++ % clients == client) {
        mine.add(id);
      }
    }
    List<ReidSample> q = query.stream().filter(x -> mine.contains(x.identity())).toList();
    List<ReidSample> g = new ArrayList<>();
    int distractor = 0;
    for (ReidSample x : gallery) {
      if (x.identity() == 0 ? distractor++ % clients == client : mine.contains(x.identity())) {
        g.add(x);
      }
    }
    return new EvaluationShare(q, g, "test identities dealt in turn: " + mine.size() + " of "
        + ids.size());
  }

  private static List<Integer> box(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return l;
  }
}

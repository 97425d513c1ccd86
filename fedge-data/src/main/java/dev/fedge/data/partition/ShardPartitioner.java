package dev.fedge.data.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pathological non-IID shards: samples sorted by label are cut into {@code clients * k} shards of
 * (nearly) equal size and each client gets {@code k} random shards, so each client sees about
 * {@code k} labels. From McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017 (arXiv:1602.05629): 200 shards of 300 MNIST images, 2 per
 * client.
 */
public final class ShardPartitioner implements Partitioner {

  private final int shardsPerClient;

  /**
   * A shard partitioner.
   *
   * @param shardsPerClient shards each client gets, >= 1
   */
  public ShardPartitioner(int shardsPerClient) {
    if (shardsPerClient < 1) {
      throw new IllegalArgumentException(
          "partition: shards per client must be >= 1, got " + shardsPerClient
              + " in 'shards:" + shardsPerClient + "'");
    }
    this.shardsPerClient = shardsPerClient;
  }

  /** Shards each client gets. */
  public int shardsPerClient() {
    return shardsPerClient;
  }

  /** {@inheritDoc} */
  @Override
  public String spec() {
    return "shards:" + shardsPerClient;
  }

  /** {@inheritDoc} */
  @Override
  public Partition partition(int[] labels, int numClasses, int clients, long seed) {
    Partitioner.checkArguments(spec(), labels, numClasses, clients);
    long shards = (long) clients * shardsPerClient;
    int n = labels.length;
    if (shards > n) {
      throw new IllegalArgumentException(spec() + ": " + clients + " clients x "
          + shardsPerClient + " shards need at least " + shards + " samples, got " + n);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    // sort by label; within a label, a seeded shuffle decides which samples share a shard
    List<List<Integer>> byLabel = new ArrayList<>();
    for (int k = 0; k < numClasses; k++) {
      byLabel.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      byLabel.get(labels[i]).add(i);
    }
    int[] sorted = new int[n];
    int p = 0;
    for (List<Integer> l : byLabel) {
      int[] a = l.stream().mapToInt(Integer::intValue).toArray();
      Partitioner.shuffle(a, rnd);
      System.arraycopy(a, 0, sorted, p, a.length);
      p += a.length;
    }
    int[] shardOrder = new int[(int) shards];
    Arrays.setAll(shardOrder, s -> s);
    Partitioner.shuffle(shardOrder, rnd);
    int[][] parts = new int[clients][];
    for (int c = 0; c < clients; c++) {
      int size = 0;
      for (int j = 0; j < shardsPerClient; j++) {
        int s = shardOrder[c * shardsPerClient + j];
        size += end(s, n, shards) - end(s - 1, n, shards);
      }
      int[] mine = new int[size];
      int o = 0;
      for (int j = 0; j < shardsPerClient; j++) {
        int s = shardOrder[c * shardsPerClient + j];
        int from = end(s - 1, n, shards);
        int to = end(s, n, shards);
        System.arraycopy(sorted, from, mine, o, to - from);
        o += to - from;
      }
      parts[c] = mine;
    }
    return Partition.of(spec(), seed, labels, numClasses, parts);
  }

  /** End (exclusive) of shard {@code s} in the sorted order; -1 gives 0. */
  private static int end(int s, int n, long shards) {
    return (int) ((s + 1L) * n / shards);
  }

  @Override
  public String toString() {
    return spec();
  }
}

package dev.fedge.data.partition;

import java.util.Arrays;
import java.util.SplittableRandom;

/** IID: shuffles all samples and deals them into equal parts (sizes differ by at most one). */
public final class IidPartitioner implements Partitioner {

  /** {@inheritDoc} */
  @Override
  public String spec() {
    return "iid";
  }

  /** {@inheritDoc} */
  @Override
  public Partition partition(int[] labels, int numClasses, int clients, long seed) {
    Partitioner.checkArguments(spec(), labels, numClasses, clients);
    int n = labels.length;
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    Partitioner.shuffle(order, new SplittableRandom(seed));
    int[][] parts = new int[clients][];
    for (int c = 0; c < clients; c++) {
      int from = (int) ((long) c * n / clients);
      int to = (int) ((long) (c + 1) * n / clients);
      parts[c] = Arrays.copyOfRange(order, from, to);
    }
    return Partition.of(spec(), seed, labels, numClasses, parts);
  }

  @Override
  public String toString() {
    return spec();
  }
}

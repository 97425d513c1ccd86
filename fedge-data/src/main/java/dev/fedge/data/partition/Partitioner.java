package dev.fedge.data.partition;

import dev.fedge.data.ImageDataset;

/**
 * Splits a data set's samples across clients, reproducibly from a seed; every sample goes to
 * exactly one client. Made from a spec string by {@link #parse}: {@code iid}, {@code
 * dirichlet:<alpha>} or {@code shards:<k>}.
 */
public interface Partitioner {

  /** The spec this partitioner parses from, e.g. {@code "dirichlet:0.5"}. */
  String spec();

  /**
   * Splits samples across clients.
   *
   * @param labels label of every sample, each in {@code [0, numClasses)}
   * @param numClasses number of classes
   * @param clients number of clients, {@code 1..labels.length}
   * @param seed the same seed gives the same partition
   * @return the partition
   * @throws IllegalArgumentException for more clients than samples (or than this method can
   *     serve) and labels out of range
   */
  Partition partition(int[] labels, int numClasses, int clients, long seed);

  /** Splits a data set's samples across clients (see {@link #partition(int[], int, int, long)}). */
  default Partition partition(ImageDataset data, int clients, long seed) {
    return partition(data.labels(), data.numClasses(), clients, seed);
  }

  /**
   * Makes a partitioner from a spec: {@code iid}, {@code dirichlet:<alpha>} (alpha > 0) or {@code
   * shards:<k>} (k >= 1).
   *
   * @param spec the spec
   * @return the partitioner
   * @throws IllegalArgumentException with a one-line message for an unknown partition or a bad
   *     argument
   */
  static Partitioner parse(String spec) {
    String expected = "expected iid, dirichlet:<alpha> (e.g. dirichlet:0.5) or shards:<k>"
        + " (e.g. shards:2)";
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("partition: empty; " + expected);
    }
    String s = spec.strip();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    String arg = colon < 0 ? null : s.substring(colon + 1).strip();
    switch (kind) {
      case "iid":
        if (arg != null) {
          throw new IllegalArgumentException("partition: 'iid' takes no argument, got '" + s + "'");
        }
        return new IidPartitioner();
      case "dirichlet":
        if (arg == null || arg.isEmpty()) {
          throw new IllegalArgumentException(
              "partition: 'dirichlet' needs an alpha, e.g. dirichlet:0.5");
        }
        double alpha;
        try {
          alpha = Double.parseDouble(arg);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "partition: bad alpha '" + arg + "' in '" + s + "': expected a number > 0");
        }
        return new DirichletPartitioner(alpha);
      case "shards":
        if (arg == null || arg.isEmpty()) {
          throw new IllegalArgumentException(
              "partition: 'shards' needs shards per client, e.g. shards:2");
        }
        int k;
        try {
          k = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "partition: bad shard count '" + arg + "' in '" + s + "': expected an integer >= 1");
        }
        return new ShardPartitioner(k);
      default:
        throw new IllegalArgumentException(
            "partition: unknown partition '" + s + "'; " + expected);
    }
  }

  /**
   * Checks the common arguments of {@link #partition(int[], int, int, long)}.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  static void checkArguments(String spec, int[] labels, int numClasses, int clients) {
    if (clients < 1) {
      throw new IllegalArgumentException(spec + ": clients must be >= 1, got " + clients);
    }
    if (clients > labels.length) {
      throw new IllegalArgumentException(
          spec + ": " + clients + " clients but only " + labels.length + " samples");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            spec + ": label " + labels[i] + " of sample " + i + " is outside [0, " + numClasses
                + ")");
      }
    }
  }

  /** Shuffles in place (Fisher-Yates). */
  static void shuffle(int[] a, java.util.random.RandomGenerator rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

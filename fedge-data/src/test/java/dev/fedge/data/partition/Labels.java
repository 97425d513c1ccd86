package dev.fedge.data.partition;

/** Label arrays for partition tests. */
final class Labels {

  private Labels() {}

  /** {@code perClass} samples of each of {@code classes} labels, interleaved (0,1,..,0,1,..). */
  static int[] balanced(int classes, int perClass) {
    int[] l = new int[classes * perClass];
    for (int i = 0; i < l.length; i++) {
      l[i] = i % classes;
    }
    return l;
  }

  /** Asserts that every sample 0..n-1 is held by exactly one client; returns the total. */
  static int coverage(Partition p, int n) {
    boolean[] seen = new boolean[n];
    int total = 0;
    for (int c = 0; c < p.numClients(); c++) {
      for (int i : p.indices(c)) {
        if (seen[i]) {
          throw new AssertionError("sample " + i + " twice");
        }
        seen[i] = true;
        total++;
      }
    }
    for (int i = 0; i < n; i++) {
      if (!seen[i]) {
        throw new AssertionError("sample " + i + " missing");
      }
    }
    return total;
  }
}

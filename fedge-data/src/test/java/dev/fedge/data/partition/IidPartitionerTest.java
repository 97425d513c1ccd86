package dev.fedge.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IidPartitionerTest {

  @Test
  void coversEverySampleOnceInNearEqualParts() {
    int[] labels = Labels.balanced(10, 103);

    Partition p = new IidPartitioner().partition(labels, 10, 7, 42);

    assertEquals(1030, Labels.coverage(p, 1030));
    for (int c = 0; c < 7; c++) {
      assertTrue(p.clientSize(c) == 147 || p.clientSize(c) == 148, "size " + p.clientSize(c));
    }
    assertTrue(p.meanLabelEntropy() > 3.2, "entropy " + p.meanLabelEntropy()); // log2(10)=3.32
  }

  @Test
  void sameSeedSamePartition() {
    int[] labels = Labels.balanced(3, 50);
    IidPartitioner iid = new IidPartitioner();

    Partition a = iid.partition(labels, 3, 4, 7);
    Partition b = iid.partition(labels, 3, 4, 7);
    Partition c = iid.partition(labels, 3, 4, 8);

    assertEquals(a, b);
    assertNotEquals(a, c);
  }
}

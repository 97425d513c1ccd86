package dev.fedge.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShardPartitionerTest {

  @Test
  void alignedShardsGiveEachClientAtMostKLabels() {
    int[] labels = Labels.balanced(10, 60); // 600 samples, 20 shards of 30: each one label

    Partition p = new ShardPartitioner(2).partition(labels, 10, 10, 4);

    assertEquals(600, Labels.coverage(p, 600));
    for (int c = 0; c < 10; c++) {
      assertEquals(60, p.clientSize(c));
      int distinct = 0;
      for (int h : p.histogram(c)) {
        if (h > 0) {
          distinct++;
          assertEquals(0, h % 30, "whole shards of one label");
        }
      }
      assertTrue(distinct <= 2, "client " + c + " has " + distinct + " labels");
    }
  }

  @Test
  void unevenSizesStillCoverEverySample() {
    int[] labels = Labels.balanced(3, 37);

    Partition p = new ShardPartitioner(3).partition(labels, 3, 5, 1);

    assertEquals(111, Labels.coverage(p, 111));
  }

  @Test
  void sameSeedSamePartition() {
    int[] labels = Labels.balanced(4, 25);
    ShardPartitioner s = new ShardPartitioner(2);

    assertEquals(s.partition(labels, 4, 5, 3), s.partition(labels, 4, 5, 3));
  }

  @Test
  void tooFewSamplesForTheShards() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShardPartitioner(2).partition(new int[15], 1, 10, 0));

    assertEquals("shards:2: 10 clients x 2 shards need at least 20 samples, got 15",
        e.getMessage());
  }
}

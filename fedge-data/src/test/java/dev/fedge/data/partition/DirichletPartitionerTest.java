package dev.fedge.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DirichletPartitionerTest {

  private static final int[] LABELS = Labels.balanced(10, 200);

  @Test
  void coversEverySampleOnceAndNoClientIsEmpty() {
    Partition p = new DirichletPartitioner(0.5).partition(LABELS, 10, 20, 1);

    assertEquals(2000, Labels.coverage(p, 2000));
    for (int c = 0; c < 20; c++) {
      assertTrue(p.clientSize(c) >= 10, "client " + c + " has " + p.clientSize(c));
    }
  }

  @Test
  void skewGrowsAsAlphaFalls() {
    double skewed = new DirichletPartitioner(0.1).partition(LABELS, 10, 10, 3).meanLabelEntropy();
    double mild = new DirichletPartitioner(1).partition(LABELS, 10, 10, 3).meanLabelEntropy();
    double iidLike = new DirichletPartitioner(100).partition(LABELS, 10, 10, 3)
        .meanLabelEntropy();

    assertTrue(skewed < mild, skewed + " < " + mild);
    assertTrue(mild < iidLike, mild + " < " + iidLike);
    assertTrue(iidLike > 3.0, "alpha 100 is near IID (log2 10 = 3.32): " + iidLike);
    assertTrue(skewed < 2.0, "alpha 0.1 leaves few labels per client: " + skewed);
  }

  @Test
  void sameSeedSamePartition() {
    DirichletPartitioner d = new DirichletPartitioner(0.3);

    assertEquals(d.partition(LABELS, 10, 8, 5), d.partition(LABELS, 10, 8, 5));
    assertNotEquals(d.partition(LABELS, 10, 8, 5), d.partition(LABELS, 10, 8, 6));
  }

  @Test
  void tinyAlphaWithManyClientsStillFillsEveryClient() {
    int[] labels = Labels.balanced(2, 30);

    Partition p = new DirichletPartitioner(0.001).partition(labels, 2, 30, 9);

    assertEquals(60, Labels.coverage(p, 60));
    for (int c = 0; c < 30; c++) {
      assertTrue(p.clientSize(c) >= 1, "client " + c + " is empty");
    }
  }

  @Test
  void gammaDrawsHaveTheRightMean() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (double shape : new double[] {0.2, 1.0, 5.0}) {
      double sum = 0;
      int n = 20000;
      for (int i = 0; i < n; i++) {
        sum += Math.exp(DirichletPartitioner.logGamma(shape, rnd));
      }
      assertEquals(shape, sum / n, shape * 0.05, "mean of Gamma(" + shape + ", 1)");
    }
  }
}

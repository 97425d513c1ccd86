package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AggregationsTest {

  private static final float EPS = 1e-6f;

  @Test
  void weightedAverage_weightsByCount() {
    // (1·[1,2] + 3·[3,6]) / 4 = [2.5, 5]
    float[] avg =
        Aggregations.weightedAverage(List.of(new float[] {1, 2}, new float[] {3, 6}), new double[] {1, 3});

    assertArrayEquals(new float[] {2.5f, 5f}, avg);
  }

  @Test
  void fold_thenScale_isBitIdenticalToWeightedAverage() {
    float[] a = {0.1f, -0.7f, 3.3f};
    float[] b = {1.9f, 0.2f, -8.1f};
    double[] acc = new double[3];

    Aggregations.fold(acc, a, 7);
    Aggregations.fold(acc, b, 2);
    float[] streamed = Aggregations.scaled(acc, 1.0 / 9);

    assertArrayEquals(Aggregations.weightedAverage(List.of(a, b), new double[] {7, 2}), streamed);
  }

  @Test
  void fold_largeVectorSplitAcrossCores_equalsSequentialLoop() {
    int p = Aggregations.PARALLEL_MIN + 12_345;
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[p];
    double[] acc = new double[p];
    double[] expected = new double[p];
    for (int i = 0; i < p; i++) {
      x[i] = (float) r.nextGaussian();
      acc[i] = r.nextDouble();
      expected[i] = acc[i] + 3.0 * x[i];
    }

    Aggregations.fold(acc, x, 3.0);

    assertArrayEquals(expected, acc);
  }

  @Test
  void fold_rejectsLengthMismatch() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Aggregations.fold(new double[3], new float[2], 1));
    assertEquals("values: expected 3 values, got 2", e.getMessage());
  }

  @Test
  void weightedAverage_rejectsZeroTotalWeight() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Aggregations.weightedAverage(List.of(new float[] {1}), new double[] {0}));
    assertTrue(e.getMessage().contains("sum must be > 0"), e.getMessage());
  }

  @Test
  void firstNonFinite_findsLowestIndexInLargeVector() {
    float[] x = new float[Aggregations.PARALLEL_MIN * 2];
    x[x.length - 1] = Float.NaN;
    x[Aggregations.PARALLEL_MIN + 5] = Float.NEGATIVE_INFINITY;

    assertEquals(Aggregations.PARALLEL_MIN + 5, Aggregations.firstNonFinite(x));
    assertEquals(-1, Aggregations.firstNonFinite(new float[] {1, 2, 3}));
  }

  @Test
  void median_oddAndEvenCounts() {
    // columns {1,2,9} -> 2, {10,0,5} -> 5, {3,3,3} -> 3
    float[] odd =
        Aggregations.median(
            List.of(new float[] {1, 10, 3}, new float[] {2, 0, 3}, new float[] {9, 5, 3}));
    // {1,4} -> 2.5, {-1,-2} -> -1.5
    float[] even = Aggregations.median(List.of(new float[] {1, -1}, new float[] {4, -2}));

    assertArrayEquals(new float[] {2, 5, 3}, odd);
    assertArrayEquals(new float[] {2.5f, -1.5f}, even);
  }

  @Test
  void trimmedMean_dropsExtremes() {
    // n = 5, beta = 0.2: cut 1 each end: {1,2,3,4,100} -> mean(2,3,4) = 3; {-50,0,0,0,1} -> 0
    List<float[]> v =
        List.of(
            new float[] {100, 0},
            new float[] {2, -50},
            new float[] {1, 0},
            new float[] {4, 1},
            new float[] {3, 0});

    assertArrayEquals(new float[] {3, 0}, Aggregations.trimmedMean(v, 0.2));
    // beta 0: plain mean (110 / 5 = 22, -49 / 5 = -9.8)
    assertArrayEquals(new float[] {22, -9.8f}, Aggregations.trimmedMean(v, 0), EPS);
  }

  @Test
  void trimmedMean_cutRoundsDown() {
    // n = 4, beta = 0.2: floor(0.8) = 0, nothing is cut
    List<float[]> v = List.of(new float[] {0}, new float[] {0}, new float[] {0}, new float[] {100});

    assertArrayEquals(new float[] {25}, Aggregations.trimmedMean(v, 0.2));
  }

  @Test
  void trimmedMean_rejectsBetaOfHalf() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Aggregations.trimmedMean(List.of(new float[] {1}), 0.5));
    assertEquals("beta: must be in [0, 0.5), got 0.5", e.getMessage());
  }

  @Test
  void squaredDistances_handComputed() {
    // [0,0], [3,4], [6,8]: 25, 100, 25
    double[][] d =
        Aggregations.squaredDistances(
            List.of(new float[] {0, 0}, new float[] {3, 4}, new float[] {6, 8}));

    assertArrayEquals(new double[] {0, 25, 100}, d[0]);
    assertArrayEquals(new double[] {25, 0, 25}, d[1]);
    assertArrayEquals(new double[] {100, 25, 0}, d[2]);
  }

  @Test
  void krum_scoresAndSelection() {
    // 1-D points a=0, b=1, c=2, d=10; n=4, f=0: sum of the 2 nearest squared distances
    // a: {1,4,100} -> 5; b: {1,1,81} -> 2; c: {4,1,64} -> 5; d: {100,81,64} -> 145
    List<float[]> v = List.of(new float[] {0}, new float[] {1}, new float[] {2}, new float[] {10});

    double[] scores = Aggregations.krumScores(Aggregations.squaredDistances(v), 0);

    assertArrayEquals(new double[] {5, 2, 5, 145}, scores);
    assertArrayEquals(new int[] {1}, Aggregations.krumSelect(v, 0, 1));
    // tie between a and c broken by the lower index
    assertArrayEquals(new int[] {1, 0, 2}, Aggregations.krumSelect(v, 0, 3));
  }

  @Test
  void krum_needsMoreThanTwoFPlusTwo() {
    List<float[]> v = List.of(new float[] {0}, new float[] {1}, new float[] {2}, new float[] {3});

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Aggregations.krumSelect(v, 1, 1));
    assertEquals("krum needs more than 2f + 2 = 4 vectors, got 4", e.getMessage());
  }

  @Test
  void fedNova_normalisesByLocalSteps() {
    // w_g = 0; w_1 = -2 (n=1, tau=1), w_2 = -3 (n=3, tau=3); p = 1/4, 3/4
    // d_1 = 2, d_2 = 1; Σ p tau = 2.5; Σ p d = 1.25; w = 0 - 2.5 * 1.25 = -3.125 (FedAvg: -2.75)
    float[] w =
        Aggregations.fedNova(
            new float[] {0},
            List.of(new float[] {-2}, new float[] {-3}),
            new double[] {1, 3},
            new double[] {1, 3});

    assertArrayEquals(new float[] {-3.125f}, w);
  }

  @Test
  void fedNova_equalStepsIsFedAvg() {
    float[] g = {1, 1};
    List<float[]> locals = List.of(new float[] {2, 0}, new float[] {5, -3});

    float[] nova = Aggregations.fedNova(g, locals, new double[] {1, 3}, new double[] {4, 4});

    assertArrayEquals(Aggregations.weightedAverage(locals, new double[] {1, 3}), nova, EPS);
  }

  @Test
  void momentumStep_twoRoundsByHand() {
    float[] v = new float[1];
    // round 1: g = 1 - 0.5 = 0.5, v = 0.5, w = 1 - 0.5 = 0.5
    float[] w1 = ServerSteps.momentumStep(new float[] {1}, new float[] {0.5f}, v, 1.0, 0.9);
    // round 2: g = 0.5 - 0.25 = 0.25, v = 0.9 * 0.5 + 0.25 = 0.7, w = 0.5 - 0.7 = -0.2
    float[] w2 = ServerSteps.momentumStep(w1, new float[] {0.25f}, v, 1.0, 0.9);

    assertArrayEquals(new float[] {0.5f}, w1);
    assertArrayEquals(new float[] {-0.2f}, w2, EPS);
    assertArrayEquals(new float[] {0.7f}, v, EPS);
  }

  @Test
  void adamStep_twoRoundsByHand() {
    float[] m = new float[1];
    float[] v = new float[1];
    // Δ = 1: m = 0.1, v = 0.01, w = 0.1 * 0.1 / (0.1 + 1e-9)
    float[] w1 = ServerSteps.adamStep(new float[] {0}, new float[] {1}, m, v, 0.1, 0.9, 0.99, 1e-9);
    // Δ = 1: m = 0.19, v = 0.0199, w = w1 + 0.1 * 0.19 / sqrt(0.0199) = 0.2346874
    float[] w2 =
        ServerSteps.adamStep(w1, new float[] {w1[0] + 1}, m, v, 0.1, 0.9, 0.99, 1e-9);

    assertEquals(0.1f, w1[0], EPS);
    assertEquals(0.2346874f, w2[0], EPS);
    assertEquals(0.19f, m[0], EPS);
    assertEquals(0.0199f, v[0], EPS);
  }

  @Test
  void yogiStep_twoRoundsByHand() {
    float[] m = new float[1];
    float[] v = new float[1];
    // Δ = 1: v = 0 - 0.01 * 1 * sign(0 - 1) = 0.01, w = 0.01 * 0.1 / (0.1 + 0.001) = 0.00990099
    float[] w1 = ServerSteps.yogiStep(new float[] {0}, new float[] {1}, m, v, 0.01, 0.9, 0.99, 1e-3);
    // Δ = 1: v = 0.01 + 0.01 = 0.02, w = w1 + 0.01 * 0.19 / (sqrt(0.02) + 0.001) = 0.02324169
    float[] w2 =
        ServerSteps.yogiStep(w1, new float[] {w1[0] + 1}, m, v, 0.01, 0.9, 0.99, 1e-3);

    assertEquals(0.00990099f, w1[0], EPS);
    assertEquals(0.02324169f, w2[0], EPS);
    assertEquals(0.02f, v[0], EPS);
  }

  @Test
  void yogiAndAdam_differInHowTheSecondMomentShrinks() {
    // v = 1, Δ = 0.1 (Δ² = 0.01): Adam 0.99 * 1 + 0.01 * 0.01 = 0.9901; Yogi 1 - 0.01 * 0.01 = 0.9999
    float[] vAdam = {1};
    float[] vYogi = {1};

    ServerSteps.adamStep(new float[] {0}, new float[] {0.1f}, new float[1], vAdam, 0.1, 0.9, 0.99, 1e-9);
    ServerSteps.yogiStep(new float[] {0}, new float[] {0.1f}, new float[1], vYogi, 0.1, 0.9, 0.99, 1e-9);

    assertEquals(0.9901f, vAdam[0], EPS);
    assertEquals(0.9999f, vYogi[0], EPS);
  }

  @Test
  void adagradStep_twoRoundsByHand() {
    float[] v = new float[1];
    // Δ = 2: v = 4, w = 0.1 * 2 / (2 + 1e-9) = 0.1
    float[] w1 = ServerSteps.adagradStep(new float[] {0}, new float[] {2}, v, 0.1, 1e-9);
    // Δ = 1: v = 5, w = 0.1 + 0.1 / sqrt(5) = 0.14472136
    float[] w2 = ServerSteps.adagradStep(w1, new float[] {w1[0] + 1}, v, 0.1, 1e-9);

    assertEquals(0.1f, w1[0], EPS);
    assertEquals(0.14472136f, w2[0], EPS);
    assertEquals(5f, v[0], EPS);
  }

  @Test
  void adaptiveSteps_rejectNonPositiveTau() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServerSteps.adagradStep(new float[1], new float[1], new float[1], 0.1, 0));
    assertEquals("tau: must be > 0, got 0.0", e.getMessage());
  }
}

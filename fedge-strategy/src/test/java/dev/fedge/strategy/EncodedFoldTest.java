package dev.fedge.strategy;

import static dev.fedge.strategy.Fixtures.LAYOUT;
import static dev.fedge.strategy.Fixtures.filled;
import static dev.fedge.strategy.Fixtures.model;
import static dev.fedge.strategy.Fixtures.res;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitRes;
import dev.fedge.api.FoldableValues;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.strategy.codec.Float32Bytes;
import dev.fedge.strategy.codec.Float32Codec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Folding results straight from their float32 bytes (no decoded array per result). */
class EncodedFoldTest {

  private static final Float32Codec F32 = new Float32Codec();

  private static Parameters random(ParameterLayout layout, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[layout.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Parameters(layout, v);
  }

  private static EncodedFitRes encoded(Parameters p, int n, double loss) {
    return new EncodedFitRes(p.layout(), Float32Bytes.checked(F32.encode(p), null), n,
        Map.of(FitRes.LOSS, loss));
  }

  @Test
  void fedAvg_foldsEncodedBytes_bitIdenticalToDecodedResults_withTheSameMetrics() {
    // more than PARALLEL_MIN values, so the fold is split into ranges across cores
    ParameterLayout big = ParameterLayout.of(
        new TensorSpec("a", new int[] {Aggregations.PARALLEL_MIN}), new TensorSpec("b", new int[] {
            1000}));
    Parameters global = filled(big, 0);
    FedAvg fedAvg = new FedAvg(StrategySettings.defaults());
    FitAggregation decoded = fedAvg.startAggregation(1, global);
    FitAggregation folded = fedAvg.startAggregation(1, global);
    assertTrue(folded.foldsEncoded());
    for (int k = 0; k < 3; k++) {
      Parameters p = random(big, k);
      decoded.accept("c" + k, new FitRes(p, 10 + k, Map.of(FitRes.LOSS, 0.1 * k)));
      folded.acceptEncoded("c" + k, encoded(p, 10 + k, 0.1 * k));
    }

    AggregateResult a = decoded.finish(List.of());
    AggregateResult b = folded.finish(List.of());

    assertArrayEquals(model(a), model(b));
    assertEquals(a.metrics(), b.metrics());
    assertEquals(3, folded.count());
  }

  @Test
  void encodedResult_withAWrongLayoutOrNoExamples_isRefused_andTheSumIsUntouched() {
    Parameters global = filled(LAYOUT, 0);
    FitAggregation agg = new FedAvg(StrategySettings.defaults()).startAggregation(1, global);
    agg.acceptEncoded("a", encoded(filled(LAYOUT, 2), 1, 1));
    ParameterLayout other = ParameterLayout.of(
        new TensorSpec("body.w", new int[] {3, 2}), new TensorSpec("head.b", new int[] {2}));

    IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
        () -> agg.acceptEncoded("b", encoded(filled(other, 9), 1, 1)));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> agg.acceptEncoded("c", encoded(filled(LAYOUT, 9), 0, 1)));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> agg.acceptEncoded("a", encoded(filled(LAYOUT, 9), 1, 1)));

    assertTrue(layout.getMessage().startsWith("client 'b': layout differs from the global model"),
        layout.getMessage());
    assertTrue(none.getMessage().startsWith("client 'c': numExamples is 0"), none.getMessage());
    assertTrue(twice.getMessage().contains("already delivered"), twice.getMessage());
    assertEquals(1, agg.count());
    assertArrayEquals(filled(LAYOUT, 2).values(), model(agg.finish(List.of())));
  }

  @Test
  void strategiesThatKeepUpdates_doNotFoldEncoded_andDecodeThemToTheSameResult() {
    Parameters global = filled(LAYOUT, 0);
    FedMedian median = new FedMedian(StrategySettings.defaults());
    FitAggregation viaBytes = median.startAggregation(1, global);
    FitAggregation plain = median.startAggregation(1, global);
    assertFalse(viaBytes.foldsEncoded());
    for (int k = 0; k < 3; k++) {
      Parameters p = random(LAYOUT, 10 + k);
      viaBytes.acceptEncoded("c" + k, encoded(p, 1, 1));
      plain.accept("c" + k, res(p, 1, 1, 10));
    }

    assertArrayEquals(model(plain.finish(List.of())), model(viaBytes.finish(List.of())));
  }

  @Test
  void float32Bytes_refusesNaNAndInfinity_readsLittleEndian_releasesOnce() {
    float[] v = {1.5f, -2.25f, 3e-38f, 7f};
    byte[] bytes = F32.encode(new Parameters(
        ParameterLayout.of(new TensorSpec("w", new int[] {4})), v));
    AtomicInteger released = new AtomicInteger();
    Float32Bytes ok = Float32Bytes.checked(bytes, released::incrementAndGet);
    double[] acc = new double[4];
    ok.foldRange(acc, 2, 1, 3);
    ok.release();
    ok.release();

    assertArrayEquals(v, ok.decode());
    assertArrayEquals(new double[] {0, 2 * -2.25f, 2 * 3e-38f, 0}, acc);
    assertEquals(1, released.get());
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] w = v.clone();
      w[2] = bad;
      byte[] b = F32.encode(new Parameters(
          ParameterLayout.of(new TensorSpec("w", new int[] {4})), w));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Float32Bytes.checked(b, null));
      assertEquals("value " + bad + " at index 2 is not finite", e.getMessage());
      assertEquals(2, Float32Bytes.firstNonFinite(b));
    }
    assertThrows(IllegalArgumentException.class, () -> Float32Bytes.checked(new byte[5], null));
  }

  @Test
  void foldableArray_foldsLikeAggregationsFold() {
    float[] v = {1f, 2f, 3f};
    double[] a = {0.5, 0.5, 0.5};
    double[] b = a.clone();
    Aggregations.fold(a, v, 3);
    Aggregations.fold(b, FoldableValues.of(v), 3);
    assertArrayEquals(a, b);
  }
}

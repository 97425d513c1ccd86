package dev.fedge.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SubmodelsTest {

  private static ParameterLayout layout(Object... nameShape) {
    List<TensorSpec> t = new ArrayList<>();
    for (int i = 0; i < nameShape.length; i += 2) {
      t.add(new TensorSpec((String) nameShape[i], (int[]) nameShape[i + 1]));
    }
    return new ParameterLayout(t);
  }

  private static Parameters counting(ParameterLayout l) {
    float[] v = new float[l.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return new Parameters(l, v);
  }

  @Test
  void aSliceIsTheFirstBlockOfEveryTensor_inRowMajorOrder() {
    // a [3,4,2] tensor holding 0..23: element (i,j,k) is i*8 + j*2 + k; then a [3] bias 24..26
    ParameterLayout full = layout("w", new int[] {3, 4, 2}, "b", new int[] {3});
    ParameterLayout sub = layout("w", new int[] {2, 3, 1}, "b", new int[] {2});

    Parameters s = Submodels.slice(counting(full), sub);

    assertEquals(sub, s.layout());
    assertArrayEquals(new float[] {0, 2, 4, 8, 10, 12, 24, 25}, s.values());
  }

  @Test
  void slicingThenScatteringBackGivesTheModelBack_andScatteringThenSlicingGivesThePartBack() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][][] cases = {
      {{64, 1, 5, 5}, {16, 1, 5, 5}},   // the first conv: input channels stay
      {{64, 32, 3, 3}, {32, 16, 3, 3}}, // an inner conv: both channel dims
      {{512, 3136}, {128, 784}},        // cnn fc1 at 1/4: channel-major flattening
      {{10, 512}, {10, 128}},           // the head: classes stay
      {{7}, {7}},                        // a whole tensor
      {{5}, {3}},
      {{1}, {1}},
      {{3, 1, 4}, {1, 1, 1}},
    };
    for (int[][] c : cases) {
      ParameterLayout full = layout("a", c[0], "b", new int[] {3});
      ParameterLayout sub = layout("a", c[1], "b", new int[] {2});
      float[] v = new float[full.totalSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      Parameters model = new Parameters(full, v);
      Parameters part = Submodels.slice(model, sub);
      String what = java.util.Arrays.deepToString(c);

      assertEquals(model, Submodels.scatter(model, part), what);
      float[] other = new float[sub.totalSize()];
      for (int i = 0; i < other.length; i++) {
        other[i] = (float) rnd.nextGaussian();
      }
      Parameters changed = new Parameters(sub, other);
      Parameters back = Submodels.scatter(model, changed);
      assertEquals(changed, Submodels.slice(back, sub), what);
      // the values outside the part are untouched: exactly full - sub values changed
      int differ = 0;
      for (int i = 0; i < v.length; i++) {
        differ += back.values()[i] != v[i] ? 1 : 0;
      }
      assertEquals(sub.totalSize(), differ, what);
    }
  }

  @Test
  void eachElementIsTheWeightedMeanOverTheGroupsThatHoldIt_andNobodysElementsKeepTheirValue() {
    // global: w[2,2] = 1,2,3,4 and b[3] = 5,6,7
    ParameterLayout full = layout("w", new int[] {2, 2}, "b", new int[] {3});
    Parameters global = new Parameters(full, new float[] {1, 2, 3, 4, 5, 6, 7});
    // group A holds everything: one client, 1 example, values 10,20,30,40,50,60,70
    // group B holds w[0,0] and b[0..1]: clients with 3 examples in all, mean values 2, 4, 8
    ParameterLayout small = layout("w", new int[] {1, 1}, "b", new int[] {2});
    // group C holds w[0, 0..1] and b[0]: 4 examples, mean values 6, 6, 6
    ParameterLayout mid = layout("w", new int[] {1, 2}, "b", new int[] {1});
    double[][] sums = {
      {10, 20, 30, 40, 50, 60, 70},
      {3 * 2, 3 * 4, 3 * 8},
      {4 * 6, 4 * 6, 4 * 6},
    };

    float[] all = Submodels.combine(global, new ParameterLayout[] {full, small, mid}, sums,
        new double[] {1, 3, 4});
    // w[0,0]: (10 + 6 + 24) / 8 = 5; w[0,1]: (20 + 24) / 5 = 8.8; w[1,*]: A alone;
    // b[0]: (50 + 12 + 24) / 8 = 10.75; b[1]: (60 + 24) / 4 = 21; b[2]: A alone
    assertArrayEquals(new float[] {5, 8.8f, 30, 40, 10.75f, 21, 70}, all, 1e-6f);

    // without group A, what only A held keeps the old value
    float[] noFull = Submodels.combine(global, new ParameterLayout[] {small, mid},
        new double[][] {sums[1], sums[2]}, new double[] {3, 4});
    // w[0,0]: (6 + 24) / 7; w[0,1]: 24 / 4 = 6; b[0]: (12 + 24) / 7; b[1]: 24 / 3 = 8
    assertArrayEquals(new float[] {30f / 7, 6, 3, 4, 36f / 7, 8, 7}, noFull, 1e-6f);
  }

  @Test
  void aLayoutThatIsNoSliceIsRefusedNamingTheTensor() {
    ParameterLayout full = layout("w", new int[] {4, 4}, "b", new int[] {4});
    assertTrue(Submodels.fits(full, full));
    assertTrue(Submodels.fits(full, layout("w", new int[] {1, 4}, "b", new int[] {2})));
    assertFalse(Submodels.fits(full, layout("w", new int[] {5, 4}, "b", new int[] {4})));
    assertFalse(Submodels.fits(full, layout("w", new int[] {16}, "b", new int[] {4})));
    assertFalse(Submodels.fits(full, layout("v", new int[] {4, 4}, "b", new int[] {4})));
    assertFalse(Submodels.fits(full, layout("w", new int[] {4, 4})));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Submodels.slice(counting(full), layout("w", new int[] {4, 5}, "b", new int[] {4})));
    assertTrue(e.getMessage().contains("tensor 0") && e.getMessage().contains("dimension 1"),
        e.getMessage());
  }
}

package dev.fedge.strategy;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;

/**
 * HeteroFL's submodels as pure index arithmetic (Diao et al., "HeteroFL: Computation and
 * Communication Efficient Federated Learning for Heterogeneous Clients", ICLR 2021): a submodel
 * holds, of every tensor of the global model, the <em>first slice</em> along each dimension. A
 * submodel's layout has the global layout's tensors, in the same order, with the same names and
 * ranks, and every dimension at most the global one (a width-{@code w} network scales its channels
 * and hidden units to {@code ceil(w C)}, which shrinks dimension 0 of a layer's tensors and
 * dimension 1 of the next layer's weight; the input channels and the classes stay whole).
 *
 * <p>Tensors are row-major, so the held elements of a tensor are runs of its last dimension's
 * first {@code sub[last]} values; every method here walks those runs.
 */
public final class Submodels {

  private Submodels() {}

  /** One contiguous run of held values. */
  @FunctionalInterface
  interface RunVisitor {
    /**
     * @param fullOffset offset of the run in the global tensor
     * @param subOffset offset of the run in the sub tensor
     * @param length values in the run
     */
    void run(int fullOffset, int subOffset, int length);
  }

  /**
   * Checks that {@code sub} is a submodel layout of {@code full}.
   *
   * @param full the global model's layout
   * @param sub the submodel's layout
   * @throws IllegalArgumentException naming the first tensor that does not fit
   */
  public static void check(ParameterLayout full, ParameterLayout sub) {
    String why = mismatch(full, sub);
    if (why != null) {
      throw new IllegalArgumentException("submodel: " + why);
    }
  }

  /**
   * Whether {@code sub} is a submodel layout of {@code full} (see the class comment).
   *
   * @param full the global layout
   * @param sub a candidate
   * @return true when every tensor of {@code sub} is a leading block of the same tensor of {@code
   *     full}
   */
  public static boolean fits(ParameterLayout full, ParameterLayout sub) {
    return mismatch(full, sub) == null;
  }

  private static String mismatch(ParameterLayout full, ParameterLayout sub) {
    if (full.count() != sub.count()) {
      return "has " + sub.count() + " tensors, the global model " + full.count();
    }
    for (int i = 0; i < full.count(); i++) {
      TensorSpec f = full.tensors().get(i);
      TensorSpec s = sub.tensors().get(i);
      int[] fs = f.shape();
      int[] ss = s.shape();
      if (!f.name().equals(s.name()) || fs.length != ss.length) {
        return "tensor " + i + " is " + s + ", expected a slice of " + f;
      }
      for (int d = 0; d < fs.length; d++) {
        if (ss[d] > fs[d]) {
          return "tensor " + i + " is " + s + ", larger than " + f + " in dimension " + d;
        }
      }
    }
    return null;
  }

  /**
   * Visits the held runs of one tensor.
   *
   * @param full the global tensor's shape
   * @param sub the sub tensor's shape (each dimension at most the global one)
   * @param visitor called once per run, in row-major order of the sub tensor
   */
  static void runs(int[] full, int[] sub, RunVisitor visitor) {
    int rank = full.length;
    if (rank == 0) {
      visitor.run(0, 0, 1);
      return;
    }
    int[] fullStride = new int[rank];
    fullStride[rank - 1] = 1;
    for (int d = rank - 2; d >= 0; d--) {
      fullStride[d] = fullStride[d + 1] * full[d + 1];
    }
    int runLength = sub[rank - 1];
    int runs = 1;
    for (int d = 0; d < rank - 1; d++) {
      runs *= sub[d];
    }
    int[] index = new int[Math.max(0, rank - 1)];
    for (int r = 0; r < runs; r++) {
      int off = 0;
      for (int d = 0; d < rank - 1; d++) {
        off += index[d] * fullStride[d];
      }
      visitor.run(off, r * runLength, runLength);
      for (int d = rank - 2; d >= 0; d--) {
        if (++index[d] < sub[d]) {
          break;
        }
        index[d] = 0;
      }
    }
  }

  /**
   * The submodel of a global model: the first slice of every tensor.
   *
   * @param full the global model
   * @param sub the submodel's layout
   * @return the submodel's values (a new array)
   * @throws IllegalArgumentException when {@code sub} is no submodel layout of the global one
   */
  public static Parameters slice(Parameters full, ParameterLayout sub) {
    ParameterLayout fl = full.layout();
    if (fl.equals(sub)) {
      return full;
    }
    check(fl, sub);
    float[] out = new float[sub.totalSize()];
    float[] in = full.values();
    int fullOff = 0;
    int subOff = 0;
    for (int i = 0; i < fl.count(); i++) {
      int fo = fullOff;
      int so = subOff;
      runs(fl.tensors().get(i).shape(), sub.tensors().get(i).shape(),
          (f, s, n) -> System.arraycopy(in, fo + f, out, so + s, n));
      fullOff += fl.tensors().get(i).size();
      subOff += sub.tensors().get(i).size();
    }
    return new Parameters(sub, out);
  }

  /**
   * Writes a submodel's values back into a copy of the global model: the held elements take the
   * submodel's values, the others keep the global ones (the inverse of {@link #slice} on the held
   * elements).
   *
   * @param full the global model
   * @param part a submodel of it
   * @return the global model with the submodel's values in place (a new array)
   */
  public static Parameters scatter(Parameters full, Parameters part) {
    ParameterLayout fl = full.layout();
    ParameterLayout sl = part.layout();
    check(fl, sl);
    float[] out = full.values().clone();
    float[] in = part.values();
    int fullOff = 0;
    int subOff = 0;
    for (int i = 0; i < fl.count(); i++) {
      int fo = fullOff;
      int so = subOff;
      runs(fl.tensors().get(i).shape(), sl.tensors().get(i).shape(),
          (f, s, n) -> System.arraycopy(in, so + s, out, fo + f, n));
      fullOff += fl.tensors().get(i).size();
      subOff += sl.tensors().get(i).size();
    }
    return new Parameters(fl, out);
  }

  /**
   * HeteroFL's aggregation of submodel averages into the global model: each element of the global
   * model becomes the weighted mean over the groups whose submodel holds it, and keeps its old
   * value when no group holds it.
   *
   * @param global the global model the clients started from
   * @param layouts each group's submodel layout
   * @param sums each group's sum of {@code weight × value} over its clients, in its layout
   * @param weights each group's total weight (its clients' examples)
   * @return the next global model's values (a new array)
   */
  public static float[] combine(Parameters global, ParameterLayout[] layouts, double[][] sums,
      double[] weights) {
    if (layouts.length != sums.length || sums.length != weights.length) {
      throw new IllegalArgumentException("submodels: " + layouts.length + " layouts, "
          + sums.length + " sums and " + weights.length + " weights");
    }
    ParameterLayout fl = global.layout();
    for (int g = 0; g < layouts.length; g++) {
      check(fl, layouts[g]);
      if (sums[g].length != layouts[g].totalSize()) {
        throw new IllegalArgumentException("submodels: group " + g + " has " + sums[g].length
            + " sums for " + layouts[g].totalSize() + " values");
      }
    }
    float[] out = global.values().clone();
    int[] subOff = new int[layouts.length];
    int fullOff = 0;
    for (int i = 0; i < fl.count(); i++) {
      int size = fl.tensors().get(i).size();
      double[] num = new double[size];
      double[] den = new double[size];
      for (int g = 0; g < layouts.length; g++) {
        double[] s = sums[g];
        double w = weights[g];
        int so = subOff[g];
        runs(fl.tensors().get(i).shape(), layouts[g].tensors().get(i).shape(), (f, sOff, n) -> {
          for (int k = 0; k < n; k++) {
            num[f + k] += s[so + sOff + k];
            den[f + k] += w;
          }
        });
        subOff[g] += layouts[g].tensors().get(i).size();
      }
      for (int k = 0; k < size; k++) {
        if (den[k] > 0) {
          out[fullOff + k] = (float) (num[k] / den[k]);
        }
      }
      fullOff += size;
    }
    return out;
  }

  /**
   * The fraction of the global model's values a submodel holds.
   *
   * @param full the global layout
   * @param sub a submodel layout
   * @return {@code sub.totalSize() / full.totalSize()}
   */
  public static double share(ParameterLayout full, ParameterLayout sub) {
    return (double) sub.totalSize() / full.totalSize();
  }
}

package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.nio.LongBuffer;

/**
 * FedNTD's not-true distillation loss (Lee et al., "Preservation of the Global Knowledge by
 * Not-True Distillation in Federated Learning", NeurIPS 2022, arXiv:2106.03097):
 *
 * <pre>
 *   L = CE(z, y) + beta * tau^2 * KL( softmax(z~_g / tau) || softmax(z~ / tau) )
 * </pre>
 *
 * where {@code z~} are the local model's logits with the true class's column removed, {@code z~_g}
 * the same for the (frozen) global model, the KL divergence is summed over the remaining classes
 * and averaged over the batch. This class holds the distillation term; {@link
 * #divergence(float[][], float[][], int[], double)} is a plain-Java reference of the same formula.
 */
public final class NotTrueDistillation {

  private NotTrueDistillation() {}

  /**
   * Writes, for each example, the indices of its not-true classes in increasing order: row {@code
   * r} gets {@code 0..classes-1} without {@code labels[r]}.
   *
   * @param labels true class of each example
   * @param count number of examples (rows) to write
   * @param classes number of classes
   * @param dst receives {@code count * (classes - 1)} indices, row after row, from index 0
   */
  static void notTrueIndex(int[] labels, int count, int classes, LongBuffer dst) {
    int k = 0;
    for (int r = 0; r < count; r++) {
      int y = labels[r];
      for (int c = 0; c < classes; c++) {
        if (c != y) {
          dst.put(k++, c);
        }
      }
    }
  }

  /**
   * The mean not-true KL divergence of a batch, on DJL arrays (differentiable in {@code local}).
   *
   * @param local local logits {@code (N, C)}
   * @param global global logits {@code (N, C)}, computed without gradient
   * @param notTrue not-true class indices {@code (N, C-1)}, int64, from {@link #notTrueIndex}
   * @param tau temperature
   * @return a scalar: mean over examples of {@code KL(q_global || q_local)}, without the {@code
   *     beta * tau^2} factor
   */
  static NDArray divergence(NDArray local, NDArray global, NDArray notTrue, double tau) {
    NDArray zl = local.gather(notTrue, 1);
    NDArray zg = global.gather(notTrue, 1);
    if (tau != 1) {
      zl = zl.div(tau);
      zg = zg.div(tau);
    }
    NDArray logQl = zl.logSoftmax(1);
    NDArray logQg = zg.logSoftmax(1);
    return logQg.exp().mul(logQg.sub(logQl)).sum(new int[] {1}).mean();
  }

  /**
   * Reference implementation in plain Java of the mean not-true KL divergence.
   *
   * @param local local logits, one row per example
   * @param global global logits, same shape
   * @param labels true class per example
   * @param tau temperature, > 0
   * @return mean over examples of {@code KL(softmax(z~_g/tau) || softmax(z~/tau))}
   */
  public static double divergence(float[][] local, float[][] global, int[] labels, double tau) {
    if (local.length != global.length || local.length != labels.length || local.length == 0) {
      throw new IllegalArgumentException(
          "not-true distillation: need the same positive number of rows, got "
              + local.length
              + ", "
              + global.length
              + " and "
              + labels.length
              + " labels");
    }
    double sum = 0;
    for (int r = 0; r < local.length; r++) {
      double[] ql = notTrueSoftmax(local[r], labels[r], tau);
      double[] qg = notTrueSoftmax(global[r], labels[r], tau);
      for (int c = 0; c < ql.length; c++) {
        if (qg[c] > 0) {
          sum += qg[c] * (Math.log(qg[c]) - Math.log(ql[c]));
        }
      }
    }
    return sum / local.length;
  }

  /**
   * The FedNTD distillation term {@code beta * tau^2 * divergence}, in plain Java.
   *
   * @see #divergence(float[][], float[][], int[], double)
   */
  public static double loss(
      float[][] local, float[][] global, int[] labels, double tau, double beta) {
    return beta * tau * tau * divergence(local, global, labels, tau);
  }

  private static double[] notTrueSoftmax(float[] z, int label, double tau) {
    double[] q = new double[z.length - 1];
    double max = Double.NEGATIVE_INFINITY;
    int k = 0;
    for (int c = 0; c < z.length; c++) {
      if (c != label) {
        q[k] = z[c] / tau;
        max = Math.max(max, q[k]);
        k++;
      }
    }
    double total = 0;
    for (int i = 0; i < q.length; i++) {
      q[i] = Math.exp(q[i] - max);
      total += q[i];
    }
    for (int i = 0; i < q.length; i++) {
      q[i] /= total;
    }
    return q;
  }
}

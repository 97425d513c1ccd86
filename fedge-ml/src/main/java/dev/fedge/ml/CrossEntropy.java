package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.FitRes;
import java.util.Map;

/**
 * Cross-entropy of the model's logits against the true labels, averaged over the batch, with
 * optional label smoothing {@code eps}: the target is {@code 1 - eps} on the true class plus {@code
 * eps / K} on each of the K classes (Szegedy et al., "Rethinking the Inception Architecture for
 * Computer Vision", CVPR 2016, arXiv:1512.00567), so the loss is {@code (1 - eps) * nll + eps *
 * mean_k(-log p_k)}. With {@code eps = 0} it is the plain cross-entropy, computed exactly as before.
 * Fit metric: {@code loss}, its mean over the steps.
 */
final class CrossEntropy implements ObjectiveTerm {

  private final double smoothing;
  private double sum;

  /** Plain cross-entropy. */
  CrossEntropy() {
    this(0);
  }

  /**
   * Cross-entropy with label smoothing.
   *
   * @param smoothing eps in [0, 1)
   */
  CrossEntropy(double smoothing) {
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException(
          "config 'label_smoothing': must be in [0, 1), got " + smoothing);
    }
    this.smoothing = smoothing;
  }

  @Override
  public NDArray loss(Step step) {
    NDArray logp = step.logits().logSoftmax(1);
    NDArray loss = logp.gather(step.batch().labelArray(), 1).mean().neg();
    if (smoothing > 0) {
      NDArray uniform = logp.mean().neg();
      loss = loss.mul((float) (1 - smoothing)).add(uniform.mul((float) smoothing));
    }
    sum += loss.getFloat();
    return loss;
  }

  @Override
  public void metrics(int steps, float[] start, float[] trained, Map<String, Double> out) {
    out.put(FitRes.LOSS, ObjectiveTerm.mean(sum, steps));
  }
}

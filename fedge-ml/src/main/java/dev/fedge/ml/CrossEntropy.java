package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.FitRes;
import java.util.Map;

/**
 * Cross-entropy of the model's logits against the true labels, averaged over the batch. Fit
 * metric: {@code loss}, its mean over the steps.
 */
final class CrossEntropy implements ObjectiveTerm {

  private double sum;

  @Override
  public NDArray loss(Step step) {
    NDArray loss = step.logits().logSoftmax(1).gather(step.batch().labelArray(), 1).mean().neg();
    sum += loss.getFloat();
    return loss;
  }

  @Override
  public void metrics(int steps, float[] start, float[] trained, Map<String, Double> out) {
    out.put(FitRes.LOSS, ObjectiveTerm.mean(sum, steps));
  }
}

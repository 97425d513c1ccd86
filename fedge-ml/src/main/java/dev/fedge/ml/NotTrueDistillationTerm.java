package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * FedNTD's not-true distillation term {@code beta * tau^2 * KL(q_global || q_local)} on the
 * classes other than the true one, against the frozen global model's predictions on the same
 * batch (see {@link NotTrueDistillation}). Fit metric: {@code ntd_loss}, the mean divergence
 * without the {@code beta * tau^2} factor.
 */
final class NotTrueDistillationTerm implements ObjectiveTerm {

  private final double tau;
  private final float scale;
  private Network network;
  private TensorSet global;
  private double sum;

  /**
   * The term for a temperature and a weight.
   *
   * @param tau temperature, > 0
   * @param beta weight, >= 0
   */
  NotTrueDistillationTerm(double tau, double beta) {
    if (!(tau > 0) || !Double.isFinite(tau) || !(beta >= 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException(
          "not-true distillation: need tau > 0 and beta >= 0 (finite), got tau " + tau + ", beta " + beta);
    }
    this.tau = tau;
    this.scale = (float) (beta * tau * tau);
  }

  @Override
  public void begin(Run run) {
    network = run.network();
    global = run.buffer("ntd.global");
    global.load(run.global());
    run.batch().notTrueArray();
  }

  @Override
  public NDArray loss(Step step) {
    global.tempAttach(step.manager());
    NDArray teacher = network.forward(global.arrays(), step.batch().input());
    NDArray kl =
        NotTrueDistillation.divergence(step.logits(), teacher, step.batch().notTrueIndex(), tau);
    sum += kl.getFloat();
    return kl.mul(scale);
  }

  @Override
  public void metrics(int steps, float[] start, float[] trained, Map<String, Double> out) {
    out.put(DjlLocalTrainer.NTD_LOSS, ObjectiveTerm.mean(sum, steps));
  }
}

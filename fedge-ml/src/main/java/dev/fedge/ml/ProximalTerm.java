package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Optional;

/**
 * FedProx's proximal term {@code mu/2 * ||w - w_global||^2} (Li et al., "Federated Optimization in
 * Heterogeneous Networks", MLSys 2020, arXiv:1812.06127). Its gradient {@code mu * (w - w_global)}
 * is applied in closed form by the SGD step (a decay {@code mu * w} and the constant {@code -mu *
 * w_global}), which is the same objective without a pass over the parameters; {@link #loss} gives
 * the term's value. Fit metric: {@code proximal_term} of the trained model.
 */
final class ProximalTerm implements ObjectiveTerm {

  private final double mu;
  private Run run;
  private TensorSet reference;

  /**
   * The term for a mu.
   *
   * @param mu the weight, >= 0
   */
  ProximalTerm(double mu) {
    if (!(mu >= 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("proximal term: mu must be a finite number >= 0, got " + mu);
    }
    this.mu = mu;
  }

  /** The weight mu. */
  double mu() {
    return mu;
  }

  @Override
  public void begin(Run run) {
    this.run = run;
    reference = null;
  }

  @Override
  public NDArray loss(Step step) {
    if (reference == null) {
      reference = run.buffer("proximal.global");
      reference.load(run.global());
    }
    reference.tempAttach(step.manager());
    NDArray[] w = step.params();
    NDArray[] g = reference.arrays();
    NDArray total = null;
    for (int i = 0; i < w.length; i++) {
      NDArray sq = w[i].sub(g[i]).square().sum();
      total = total == null ? sq : total.add(sq);
    }
    return total.mul((float) (mu / 2));
  }

  /** {@code mu * (w - w_global)}. */
  @Override
  public Optional<ClosedForm> closedForm() {
    return Optional.of(new ClosedForm(mu));
  }

  @Override
  public void metrics(int steps, float[] start, float[] trained, Map<String, Double> out) {
    out.put(DjlLocalTrainer.PROXIMAL_TERM, mu / 2 * squaredDistance(trained, start));
  }

  private static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}

package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The adaptive federated optimisers' common part: the weighted average of a round gives the
 * pseudo-gradient {@code Δ = avg − w}, and an adaptive optimiser on the server (Adam, Yogi,
 * Adagrad) steps the global model along it: {@code m = β1·m + (1−β1)·Δ}, {@code v} by the
 * optimiser's rule, {@code w' = w + η·m / (√v + τ)}. Subclasses only name their second-moment rule
 * ({@link #secondMoment}).
 *
 * <p>Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated
 * Optimization", ICLR 2021, <a href="https://arxiv.org/abs/2003.00295">arXiv:2003.00295</a>
 * (Algorithm 2, without bias correction).
 *
 * <p>{@code eta_l}, the client learning rate: Flower stores it but never sends it; here it is sent
 * to the clients as {@code lr} when given, and the run's {@code lr} is used otherwise. The moment
 * buffers (P floats each) live in this object across rounds; they are the strategy's {@link
 * #state()} ({@code m} and {@code v}; no {@code m} when β1 = 0), which a server saves with every
 * round and restores on resume.
 */
public abstract class FedOpt extends FedAvg {

  /** Server learning rate η. */
  protected final double eta;

  /** Client learning rate, or NaN to keep the run's {@code lr}. */
  protected final double etaL;

  /** First-moment decay β1. */
  protected final double beta1;

  /** Second-moment decay β2. */
  protected final double beta2;

  /** Adaptivity τ. */
  protected final double tau;

  private final String name;

  /** First moment (null until the first update, and always with β1 = 0: m is then Δ itself). */
  private float[] m;

  /** Second moment (null until the first update). */
  private float[] v;

  private boolean restored;

  /**
   * Creates the optimiser's common state; every value is checked.
   *
   * @param name the strategy name, returned by {@link #name()} and used in error messages
   * @param settings sampling and trainer settings
   * @param eta server learning rate η, &gt; 0
   * @param etaL client learning rate, &gt; 0, or NaN to keep the run's {@code lr}
   * @param beta1 β1 in [0, 1)
   * @param beta2 β2 in [0, 1)
   * @param tau adaptivity τ, &gt; 0
   */
  protected FedOpt(
      String name, StrategySettings settings, double eta, double etaL, double beta1, double beta2,
      double tau) {
    super(settings);
    this.name = name;
    this.eta = StrategyOptions.positive(name, "eta", eta);
    this.etaL = Double.isNaN(etaL) ? etaL : StrategyOptions.positive(name, "eta_l", etaL);
    this.beta1 = StrategyOptions.inRange(name, "beta_1", beta1, 0, 1);
    this.beta2 = StrategyOptions.inRange(name, "beta_2", beta2, 0, 1);
    this.tau = StrategyOptions.positive(name, "tau", tau);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return name;
  }

  /**
   * The rule by which this optimiser moves its second moment: the one thing FedAdam, FedYogi and
   * FedAdagrad differ in.
   *
   * @return the second-moment rule
   */
  protected abstract ServerSteps.SecondMoment secondMoment();

  /** Sends {@code eta_l} as the clients' {@code lr} when it was given. */
  @Override
  protected Config fitConfig(int round) {
    Config c = super.fitConfig(round);
    return Double.isNaN(etaL) ? c : c.with(ConfigKeys.LR, etaL);
  }

  /** One step of the optimiser from the global model along the pseudo-gradient. */
  @Override
  protected final float[] serverUpdate(int round, Parameters global, float[] combined) {
    if (v != null && v.length != combined.length && restored) {
      throw StateBuffers.mismatch(name, v.length, combined.length);
    }
    if (v == null || v.length != combined.length) {
      m = beta1 == 0 ? null : new float[combined.length];
      v = new float[combined.length];
    }
    return ServerSteps.adaptiveStep(
        global.values(), combined, m, v, eta, beta1, beta2, tau, secondMoment());
  }

  /** The moments ({@code m}, {@code v}), once there are any. */
  @Override
  public Map<String, float[]> state() {
    return StateBuffers.copyOf(new String[] {"m", "v"}, m, v);
  }

  /** {@inheritDoc} */
  @Override
  public void restoreState(Map<String, float[]> state) {
    Set<String> required = beta1 == 0 ? Set.of("v") : Set.of("m", "v");
    Map<String, float[]> s = StateBuffers.check(name, state, required, required);
    m = s.get("m");
    v = s.get("v");
    restored = true;
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("eta", eta);
    p.put("eta_l", Double.isNaN(etaL) ? "run lr" : etaL);
    p.put("beta_1", beta1);
    p.put("beta_2", beta2);
    p.put("tau", tau);
    return p;
  }
}

package dev.fedge.strategy;

import dev.fedge.api.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * FedAvgM: FedAvg with server momentum. The round's weighted average gives a pseudo-gradient
 * {@code g = w − avg}; the server keeps a momentum buffer {@code v = μ·v + g} and steps {@code w' =
 * w − η·v} (PyTorch's SGD convention, as Flower). With μ = 0 and η = 1 it is FedAvg.
 *
 * <p>Hsu, Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution for Federated
 * Visual Classification", 2019, <a href="https://arxiv.org/abs/1909.06335">arXiv:1909.06335</a>.
 *
 * <p>The momentum buffer (P floats) lives in this object across rounds; it is the strategy's
 * {@link #state()} ({@code momentum}), which a server saves with every round and restores on
 * resume.
 */
public class FedAvgM extends FedAvg {

  /** Default server learning rate η. */
  public static final double DEFAULT_SERVER_LR = 1.0;

  /** Default server momentum μ. */
  public static final double DEFAULT_SERVER_MOMENTUM = 0.9;

  private final double serverLr;
  private final double serverMomentum;
  private float[] momentum;
  private boolean restored;

  /**
   * Creates FedAvgM.
   *
   * @param settings sampling and trainer settings
   * @param serverLr server learning rate η, &gt; 0
   * @param serverMomentum server momentum μ, in [0, 1)
   */
  public FedAvgM(StrategySettings settings, double serverLr, double serverMomentum) {
    super(settings);
    this.serverLr = StrategyOptions.positive("fedavgm", "server_lr", serverLr);
    this.serverMomentum =
        StrategyOptions.inRange("fedavgm", "server_momentum", serverMomentum, 0, 1);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedavgm";
  }

  /** Takes a momentum SGD step from the global model along the averaged pseudo-gradient. */
  @Override
  protected float[] serverUpdate(int round, Parameters global, float[] combined) {
    if (momentum != null && momentum.length != combined.length && restored) {
      throw StateBuffers.mismatch(name(), momentum.length, combined.length);
    }
    if (momentum == null || momentum.length != combined.length) {
      momentum = new float[combined.length];
    }
    return ServerSteps.momentumStep(
        global.values(), combined, momentum, serverLr, serverMomentum);
  }

  /** The momentum buffer ({@code momentum}), once there is one. */
  @Override
  public Map<String, float[]> state() {
    return StateBuffers.copyOf(new String[] {"momentum"}, momentum);
  }

  /** {@inheritDoc} */
  @Override
  public void restoreState(Map<String, float[]> state) {
    Set<String> names = Set.of("momentum");
    momentum = StateBuffers.check(name(), state, names, names).get("momentum");
    restored = true;
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server_lr", serverLr);
    p.put("server_momentum", serverMomentum);
    return p;
  }
}

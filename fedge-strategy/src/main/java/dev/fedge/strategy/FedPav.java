package dev.fedge.strategy;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * FedPav: federated partial averaging. Each client keeps the tensors whose names match {@code
 * local_layers} (by default the classifier head, {@code head\..*}) as its own and takes only the
 * others from the global model; the server averages every tensor as FedAvg but leaves the global
 * values of the local tensors unchanged. Clients that evaluate use their personal model ({@code
 * personal=true}).
 *
 * <p>Zhuang, Wen, Zhang, Chen, Lyu, Gan, Wang, Zhang, Yi, "Performance Optimization for Federated
 * Person Re-identification via Benchmark Analysis", ACM Multimedia 2020, <a
 * href="https://arxiv.org/abs/2008.11560">arXiv:2008.11560</a>.
 *
 * <p>A tensor is local when the whole name matches the expression ({@link
 * java.util.regex.Matcher#matches}).
 */
public class FedPav extends FedAvg {

  /** Default expression for the local tensors: the classifier head. */
  public static final String DEFAULT_LOCAL_LAYERS = "head\\..*";

  private final Pattern localLayers;

  /**
   * Creates FedPav.
   *
   * @param settings sampling and trainer settings
   * @param localLayers regular expression over tensor names; matching tensors stay on the clients
   */
  public FedPav(StrategySettings settings, String localLayers) {
    super(settings);
    if (localLayers == null || localLayers.isBlank()) {
      throw StrategyOptions.bad("fedpav", "local_layers", "must not be blank", "'" + localLayers + "'");
    }
    this.localLayers = StrategyOptions.regex("fedpav", "local_layers", localLayers);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedpav";
  }

  /** Adds {@code local_layers}. */
  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round).with(ConfigKeys.LOCAL_LAYERS, localLayers.pattern());
  }

  /** Restores the global values of the local tensors in the averaged model. */
  @Override
  protected float[] serverUpdate(int round, Parameters global, float[] combined) {
    int off = 0;
    for (TensorSpec t : global.layout().tensors()) {
      int size = t.size();
      if (localLayers.matcher(t.name()).matches()) {
        System.arraycopy(global.values(), off, combined, off, size);
      }
      off += size;
    }
    return combined;
  }

  /** Adds {@code personal=true} and {@code local_layers}. */
  @Override
  protected Config evaluateConfig(int round) {
    return super.evaluateConfig(round)
        .with(ConfigKeys.PERSONAL, true)
        .with(ConfigKeys.LOCAL_LAYERS, localLayers.pattern());
  }

  /**
   * Whether a tensor stays on the clients.
   *
   * @param tensorName a tensor name
   * @return true when it matches {@code local_layers}
   */
  public boolean isLocal(String tensorName) {
    return localLayers.matcher(tensorName).matches();
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    return Map.of("local_layers", localLayers.pattern());
  }
}

package dev.fedge.strategy;

import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import java.util.List;
import java.util.Optional;

/**
 * The local-only baseline: every client trains alone on its own data and nothing is averaged, the
 * yardstick a federation must beat. Every round, ALL available clients train (the sampling fraction
 * is ignored) with {@code local_layers=.*}, so each keeps its whole model; the round produces no
 * new global model; and ALL available clients evaluate their personal model ({@code
 * personal=true}), whose example-weighted accuracy is the local-only number.
 *
 * <p>Results are still checked (layout, finite values) and their training loss is reported.
 */
public class LocalOnly extends FedAvg {

  /** Every tensor is local. */
  public static final String ALL_LAYERS = ".*";

  /**
   * Creates the local-only baseline.
   *
   * @param settings trainer settings (sampling settings are ignored)
   */
  public LocalOnly(StrategySettings settings) {
    super(settings);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "local-only";
  }

  /** Every available client trains. */
  @Override
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    return instruct(available, new FitIns(global, fitConfig(round)));
  }

  /** Adds {@code local_layers=.*}. */
  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round).with(ConfigKeys.LOCAL_LAYERS, ALL_LAYERS);
  }

  /** Discards the updates: no global model. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new UpdateCombiner() {
      @Override
      public void add(String clientId, FitRes result) {}

      @Override
      public Optional<float[]> combine() {
        return Optional.empty();
      }
    };
  }

  /** Every available client evaluates its personal model. */
  @Override
  public List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    return instruct(available, new EvaluateIns(global, evaluateConfig(round)));
  }

  /** Adds {@code personal=true} and {@code local_layers=.*}. */
  @Override
  protected Config evaluateConfig(int round) {
    return super.evaluateConfig(round)
        .with(ConfigKeys.PERSONAL, true)
        .with(ConfigKeys.LOCAL_LAYERS, ALL_LAYERS);
  }
}

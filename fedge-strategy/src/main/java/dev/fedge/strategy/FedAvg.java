package dev.fedge.strategy;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Federated Averaging: each round samples clients, sends them the global model, and replaces it by
 * the average of the clients' models weighted by their numbers of training examples.
 *
 * <p>McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS 2017, <a
 * href="https://arxiv.org/abs/1602.05629">arXiv:1602.05629</a>.
 *
 * <p>The aggregation is streaming: each result is checked (layout of the global model, finite
 * values, at least one example, one result per client) and folded into one {@code double[]}
 * accumulator as it arrives, so memory is O(P) whatever the number of clients. A rejected result
 * throws {@link IllegalArgumentException} and leaves the aggregate as it was.
 *
 * <p>The base of every other strategy here; a variant overrides one hook: {@link #fitConfig} (what
 * clients are told: FedProx, FedNTD), {@link #combiner} (how updates are combined: FedNova, the
 * robust ones), {@link #serverUpdate} (what the server does with the combination: FedAvgM,
 * FedAdam, FedBuff), {@link #evaluateConfig} (FedPav's personal evaluation).
 *
 * <p>Aggregated metrics: {@value #NUM_RESULTS}, {@value #NUM_FAILURES}, {@value #NUM_EXAMPLES} and
 * {@value #TRAIN_LOSS}, the example-weighted mean of the clients' {@link FitRes#LOSS} (when any
 * reported one).
 */
public class FedAvg implements Strategy {

  /** Metric: example-weighted mean of the clients' training loss. */
  public static final String TRAIN_LOSS = "train_loss";

  /** Metric: number of results aggregated. */
  public static final String NUM_RESULTS = "num_results";

  /** Metric: number of clients that failed. */
  public static final String NUM_FAILURES = "num_failures";

  /** Metric: total training examples of the aggregated results. */
  public static final String NUM_EXAMPLES = "num_examples";

  /** Stream number that separates evaluation sampling from training sampling. */
  private static final long EVALUATE_STREAM = 0x45564c;

  /** The shared settings. */
  protected final StrategySettings settings;

  /**
   * Creates FedAvg.
   *
   * @param settings sampling and trainer settings
   */
  public FedAvg(StrategySettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings: must not be null");
    }
    this.settings = settings;
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedavg";
  }

  /**
   * The shared settings.
   *
   * @return the settings this strategy was made with
   */
  public StrategySettings settings() {
    return settings;
  }

  /**
   * Samples {@code max(minClients, ceil(fraction * available))} clients reproducibly from (seed,
   * round) and sends each the global model with {@link #fitConfig}.
   */
  @Override
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    List<ClientProxy> chosen =
        ClientSampler.sample(
            available, settings.fraction(), settings.minClients(), settings.seed(), round);
    return instruct(chosen, new FitIns(global, fitConfig(round)));
  }

  /**
   * What the clients' trainers are told this round: the settings' fit config plus {@code round}
   * and {@code seed}. Variants add their keys.
   *
   * @param round 1-based round number
   * @return the config sent with every {@code FitIns} of the round
   */
  protected Config fitConfig(int round) {
    return settings
        .fitConfig()
        .with(ConfigKeys.ROUND, (long) round)
        .with(ConfigKeys.SEED, settings.seed());
  }

  /** {@inheritDoc} */
  @Override
  public FitAggregation startAggregation(int round, Parameters global) {
    if (global == null) {
      throw new IllegalArgumentException("global: must not be null");
    }
    return new RoundAggregation(round, global, combiner(round, global));
  }

  /**
   * A fresh combiner for one round; FedAvg's is the streaming weighted mean.
   *
   * @param round 1-based round number
   * @param global the global model the clients started from
   * @return the round's combiner
   */
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new WeightedMean(global.size());
  }

  /**
   * Turns the round's combination into the next global model; FedAvg takes it as is.
   *
   * @param round 1-based round number
   * @param global the global model the clients started from
   * @param combined the combined values, an array this method owns (it may change and return it)
   * @return the next global model's values
   */
  protected float[] serverUpdate(int round, Parameters global, float[] combined) {
    return combined;
  }

  /**
   * Samples {@code max(minClients, ceil(fractionEvaluate * available))} clients (none when
   * fractionEvaluate is 0) from a stream separate from training's, and sends them the model with
   * {@link #evaluateConfig}.
   */
  @Override
  public List<ClientInstruction<EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    if (settings.fractionEvaluate() == 0 || available.isEmpty()) {
      return List.of();
    }
    List<ClientProxy> chosen =
        ClientSampler.sample(
            available,
            settings.fractionEvaluate(),
            settings.minClients(),
            ClientSampler.mix(settings.seed(), EVALUATE_STREAM),
            round);
    return instruct(chosen, new EvaluateIns(global, evaluateConfig(round)));
  }

  /**
   * What evaluating clients are told: {@code round}, {@code seed} and the fit config's {@code
   * batch_size}. Variants add their keys.
   *
   * @param round 1-based round number
   * @return the config sent with every {@code EvaluateIns} of the round
   */
  protected Config evaluateConfig(int round) {
    Config c = Config.of(ConfigKeys.ROUND, (long) round, ConfigKeys.SEED, settings.seed());
    if (settings.fitConfig().has(ConfigKeys.BATCH_SIZE)) {
      c = c.with(ConfigKeys.BATCH_SIZE, settings.fitConfig().getLong(ConfigKeys.BATCH_SIZE, 32));
    }
    return c;
  }

  /**
   * The strategy's own parameters for {@link #provenance}, in a stable order; none for FedAvg.
   *
   * @return parameter name to value (numbers, strings, booleans)
   */
  protected Map<String, Object> parameters() {
    return Map.of();
  }

  /**
   * The strategy name, its parameters, the sampling settings and the trainer settings (as {@code
   * fit.KEY}), in a stable order.
   */
  @Override
  public Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("strategy", name());
    p.putAll(parameters());
    p.put("fraction", settings.fraction());
    p.put("min_clients", settings.minClients());
    p.put("seed", settings.seed());
    p.put("fraction_evaluate", settings.fractionEvaluate());
    for (Map.Entry<String, Object> e : settings.fitConfig().values().entrySet()) {
      p.put("fit." + e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(p);
  }

  @Override
  public String toString() {
    return name() + provenance();
  }

  /**
   * One instruction per client.
   *
   * @param clients the chosen clients
   * @param ins what each is told
   * @param <T> instruction type
   * @return the instructions, in the clients' order
   */
  protected static <T> List<ClientInstruction<T>> instruct(List<ClientProxy> clients, T ins) {
    List<ClientInstruction<T>> out = new ArrayList<>(clients.size());
    for (ClientProxy c : clients) {
      out.add(new ClientInstruction<>(c, ins));
    }
    return List.copyOf(out);
  }

  /** One round's streaming aggregation: common checks and metrics around the round's combiner. */
  private final class RoundAggregation implements FitAggregation {
    private final int round;
    private final Parameters global;
    private final UpdateCombiner combiner;
    private final Set<String> seen = new HashSet<>();
    private final FitTally tally = new FitTally();
    private boolean finished;

    RoundAggregation(int round, Parameters global, UpdateCombiner combiner) {
      this.round = round;
      this.global = global;
      this.combiner = combiner;
    }

    @Override
    public void accept(String clientId, FitRes result) {
      notFinished();
      UpdateChecks.identified(clientId, result);
      firstFrom(clientId);
      UpdateChecks.usable(clientId, result, global.layout());
      combiner.check(clientId, result);
      combiner.add(clientId, result);
      seen.add(clientId);
      tally.add(result);
    }

    private void notFinished() {
      if (finished) {
        throw new IllegalStateException("round " + round + ": aggregation already finished");
      }
    }

    private void firstFrom(String clientId) {
      if (seen.contains(clientId)) {
        throw new IllegalArgumentException(
            "client '" + clientId + "': already delivered a result in round " + round);
      }
    }

    /** True when the round's combiner is the weighted mean, which folds encoded values. */
    @Override
    public boolean foldsEncoded() {
      return combiner instanceof WeightedMean;
    }

    @Override
    public void acceptEncoded(String clientId, EncodedFitRes result) {
      if (!(combiner instanceof WeightedMean mean)) {
        accept(clientId, result == null ? null : result.decoded());
        return;
      }
      notFinished();
      UpdateChecks.identified(clientId, result);
      firstFrom(clientId);
      // the values' maker scanned them for NaN/Inf; layout and example count are checked here
      UpdateChecks.usable(clientId, result.layout(), result.numExamples(), global.layout());
      mean.add(result);
      seen.add(clientId);
      tally.add(result.numExamples(), result.metric(FitRes.LOSS, Double.NaN));
    }

    @Override
    public int count() {
      return seen.size();
    }

    @Override
    public AggregateResult finish(List<ClientFailure> failures) {
      if (finished) {
        throw new IllegalStateException("round " + round + ": aggregation already finished");
      }
      finished = true;
      Map<String, Double> metrics = tally.metrics(failures);
      if (seen.isEmpty()) {
        return new AggregateResult(Optional.empty(), metrics);
      }
      Optional<float[]> combined = combiner.combine();
      metrics.putAll(combiner.metrics());
      if (combined.isEmpty()) {
        return new AggregateResult(Optional.empty(), metrics);
      }
      float[] next = serverUpdate(round, global, combined.get());
      return new AggregateResult(Optional.of(new Parameters(global.layout(), next)), metrics);
    }
  }
}

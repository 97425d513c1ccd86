package dev.fedge.strategy;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.AsyncStrategy;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * FedBuff: buffered asynchronous aggregation. Up to {@code C} clients ({@link #concurrency}) train
 * at once, each on the global model that was current when it started; the server folds each update
 * into a buffer as it arrives and, once {@code K} updates are in ({@link #bufferSize}), takes one
 * server step. A fast client never waits for a slow one; a slow client's update arrives {@code tau}
 * steps late (its staleness) and is down-weighted.
 *
 * <p>Nguyen, Malik, Zhan, Yousefpour, Rabbat, Malek, Huba, "Federated Learning with Buffered
 * Asynchronous Aggregation", AISTATS 2022, <a
 * href="https://arxiv.org/abs/2106.06639">arXiv:2106.06639</a>, Algorithm 1.
 *
 * <p>The maths of one step (the {@linkplain #startBuffer asynchronous buffer}): update {@code i},
 * trained from base {@code b_i} to {@code x_i} with staleness {@code tau_i}, has weight {@code w_i}
 * (its {@code numExamples}, or 1 with {@code weighting=equal}) and staleness factor {@code
 * s(tau) = (1 + tau)^-a}; the next model is
 *
 * <pre>{@code
 * w' = w + eta_g · Σ w_i · s(tau_i) · (x_i − b_i) / Σ w_i
 * }</pre>
 *
 * <p>The denominator leaves out {@code s}, so stale updates shrink the step rather than being
 * renormalised away. With {@code weighting=equal} and {@code a = 0.5} this is the paper's
 * Algorithm 1 (the mean of the buffer's {@code K} updates, scaled by {@code 1/sqrt(1 + tau)}).
 * Streaming: one {@code double[]} accumulator, O(P) whatever {@code K}. The same client may
 * deliver twice in one buffer (a fast device can finish two tasks within one step).
 *
 * <p>Run synchronously, by the round-by-round coordinator ({@link #configureFit}, {@link
 * #startAggregation}), every update has staleness 0 and base {@code w}, so a round is {@code w' =
 * w + eta_g · (avg − w)} with FedAvg's streaming average (example-weighted, or plain with {@code
 * weighting=equal}): with the default options, FedAvg.
 *
 * <p>Options:
 *
 * <ul>
 *   <li>{@code buffer_size} ({@code K}), integer &gt;= 0; 0 (the default): the synchronous sample
 *       size {@code max(minClients, ceil(fraction · available))}, so a step aggregates as many
 *       updates as a FedAvg round.
 *   <li>{@code concurrency} ({@code C}), integer &gt;= 0; 0 (the default): {@code 2K}.
 *   <li>{@code server_lr} ({@code eta_g}), &gt; 0; default 1.
 *   <li>{@code staleness_exponent} ({@code a}), &gt;= 0; default 0.5 (the paper's {@code
 *       1/sqrt(1 + tau)}); 0 turns the staleness factor off.
 *   <li>{@code weighting}: {@code examples} (default; by {@code numExamples}, like fedge's other
 *       strategies) or {@code equal} (the paper's plain mean).
 * </ul>
 *
 * <p>Buffer metrics: FedAvg's ({@value FedAvg#NUM_RESULTS}, {@value FedAvg#NUM_FAILURES}, {@value
 * FedAvg#NUM_EXAMPLES}, {@value FedAvg#TRAIN_LOSS}) plus {@value #STALENESS_MEAN} and {@value
 * #STALENESS_MAX}.
 */
public class FedBuff extends FedAvg implements AsyncStrategy {

  /** How the updates of a buffer are weighted. */
  public enum Weighting {
    /** By each update's {@code numExamples}, as fedge's other strategies. */
    EXAMPLES,
    /** Every update weighs 1: the paper's Algorithm 1. */
    EQUAL;

    /**
     * The option's value.
     *
     * @return {@code examples} or {@code equal}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an option value.
     *
     * @param value {@code examples} or {@code equal}
     * @return the weighting
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static Weighting parse(String value) {
      return StrategyOptions.choice("fedbuff", "weighting", value, Weighting.class);
    }
  }

  /** Metric: mean staleness of a buffer's updates. */
  public static final String STALENESS_MEAN = "staleness_mean";

  /** Metric: largest staleness of a buffer's updates. */
  public static final String STALENESS_MAX = "staleness_max";

  /** Default buffer size: 0, the synchronous sample size. */
  public static final int DEFAULT_BUFFER_SIZE = 0;

  /** Default concurrency: 0, twice the buffer size. */
  public static final int DEFAULT_CONCURRENCY = 0;

  /** Default server learning rate. */
  public static final double DEFAULT_SERVER_LR = 1.0;

  /** Default staleness exponent: the paper's {@code 1/sqrt(1 + tau)}. */
  public static final double DEFAULT_STALENESS_EXPONENT = 0.5;

  /** Default weighting: {@link Weighting#EXAMPLES}. */
  public static final Weighting DEFAULT_WEIGHTING = Weighting.EXAMPLES;

  /** Stream number that separates asynchronous sampling from the synchronous rounds'. */
  private static final long ASYNC_STREAM = 0x425546;

  private final int bufferSize;
  private final int concurrency;
  private final double serverLr;
  private final double stalenessExponent;
  private final Weighting weighting;

  /**
   * Creates FedBuff with the default options.
   *
   * @param settings sampling and trainer settings
   */
  public FedBuff(StrategySettings settings) {
    this(
        settings,
        DEFAULT_BUFFER_SIZE,
        DEFAULT_CONCURRENCY,
        DEFAULT_SERVER_LR,
        DEFAULT_STALENESS_EXPONENT,
        DEFAULT_WEIGHTING);
  }

  /**
   * Creates FedBuff.
   *
   * @param settings sampling and trainer settings
   * @param bufferSize updates per server step {@code K}, &gt;= 0; 0 = the synchronous sample size
   * @param concurrency clients training at once {@code C}, &gt;= 0; 0 = twice the buffer size
   * @param serverLr server learning rate {@code eta_g}, &gt; 0
   * @param stalenessExponent {@code a} of {@code s(tau) = (1 + tau)^-a}, &gt;= 0
   * @param weighting how updates are weighted
   */
  public FedBuff(
      StrategySettings settings,
      int bufferSize,
      int concurrency,
      double serverLr,
      double stalenessExponent,
      Weighting weighting) {
    super(settings);
    if (bufferSize < 0) {
      throw StrategyOptions.bad("fedbuff", "buffer_size", "must be >= 0", bufferSize);
    }
    if (concurrency < 0) {
      throw StrategyOptions.bad("fedbuff", "concurrency", "must be >= 0", concurrency);
    }
    if (weighting == null) {
      throw new IllegalArgumentException("weighting: must not be null");
    }
    this.bufferSize = bufferSize;
    this.concurrency = concurrency;
    this.serverLr = StrategyOptions.positive("fedbuff", "server_lr", serverLr);
    this.stalenessExponent =
        StrategyOptions.atLeast("fedbuff", "staleness_exponent", stalenessExponent, 0);
    this.weighting = weighting;
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "fedbuff";
  }

  /**
   * The staleness factor {@code s(tau) = (1 + tau)^-a}.
   *
   * @param staleness {@code tau}, &gt;= 0
   * @param exponent {@code a}, &gt;= 0; 0 gives 1 whatever the staleness
   * @return the factor, in (0, 1]
   */
  public static double stalenessFactor(int staleness, double exponent) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness: must be >= 0, got " + staleness);
    }
    return exponent == 0 ? 1.0 : Math.pow(1.0 + staleness, -exponent);
  }

  /**
   * The option {@code buffer_size}, or when it is 0 the synchronous sample size {@code
   * max(minClients, ceil(fraction · available))} capped at {@code available}, at least 1.
   */
  @Override
  public int bufferSize(int available) {
    if (bufferSize > 0) {
      return bufferSize;
    }
    return Math.max(
        1, ClientSampler.sampleSize(available, settings.fraction(), settings.minClients()));
  }

  /** The option {@code concurrency}, or when it is 0 twice {@link #bufferSize}. */
  @Override
  public int concurrency(int available) {
    if (concurrency > 0) {
      return concurrency;
    }
    return 2 * bufferSize(available);
  }

  /**
   * Chooses {@code min(slots, idle.size())} distinct idle clients uniformly at random,
   * reproducibly from (seed, step, draw), in the order of {@code idle}; each is sent the global
   * model with {@link #fitConfig}{@code (step)}.
   */
  @Override
  public List<ClientInstruction<FitIns>> configureAsyncFit(
      int step, long draw, Parameters global, List<ClientProxy> idle, int slots) {
    if (global == null) {
      throw new IllegalArgumentException("global: must not be null");
    }
    if (idle == null) {
      throw new IllegalArgumentException("idle: must not be null");
    }
    if (slots <= 0 || idle.isEmpty()) {
      return List.of();
    }
    long stepSeed =
        ClientSampler.mix(ClientSampler.mix(settings.seed(), ASYNC_STREAM), step);
    List<ClientProxy> chosen =
        ClientSampler.sample(idle, Math.min(slots, idle.size()), stepSeed, draw);
    return instruct(chosen, new FitIns(global, fitConfig(step)));
  }

  /** A fresh buffer folding {@code w_i · s(tau_i) · (x_i − b_i)}; see the class description. */
  @Override
  public BufferedAggregation startBuffer(int step, Parameters global) {
    if (global == null) {
      throw new IllegalArgumentException("global: must not be null");
    }
    return new Buffer(step, global);
  }

  /** FedAvg's streaming mean, by examples or by 1 per update. */
  @Override
  protected UpdateCombiner combiner(int round, Parameters global) {
    return new WeightedMean(global.size(), weighting == Weighting.EXAMPLES);
  }

  /** {@code w + eta_g · (avg − w)}; the average itself when {@code eta_g = 1}. */
  @Override
  protected float[] serverUpdate(int round, Parameters global, float[] combined) {
    if (serverLr == 1.0) {
      return combined;
    }
    return ServerSteps.stepToward(global.values(), combined, serverLr);
  }

  /** {@inheritDoc} */
  @Override
  protected Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("buffer_size", bufferSize);
    p.put("concurrency", concurrency);
    p.put("server_lr", serverLr);
    p.put("staleness_exponent", stalenessExponent);
    p.put("weighting", weighting.label());
    return p;
  }

  /** One server step's buffer: checks, one double accumulator, metrics. */
  private final class Buffer implements BufferedAggregation {
    private final int step;
    private final Parameters global;
    private double[] acc;
    private double weights;
    private final FitTally tally = new FitTally();
    private long stalenessSum;
    private int stalenessMax;
    private boolean finished;

    Buffer(int step, Parameters global) {
      this.step = step;
      this.global = global;
    }

    @Override
    public void accept(String clientId, FitRes result, Parameters base, int staleness) {
      if (finished) {
        throw new IllegalStateException("step " + step + ": buffer already finished");
      }
      UpdateChecks.identified(clientId, result);
      if (staleness < 0) {
        throw new IllegalArgumentException(
            "client '" + clientId + "': staleness must be >= 0, got " + staleness);
      }
      if (base == null) {
        throw new IllegalArgumentException(
            "client '" + clientId + "': base model must not be null");
      }
      UpdateChecks.sameLayout(clientId, "base model's layout", global.layout(), base.layout());
      UpdateChecks.usable(clientId, result, global.layout());
      if (acc == null) {
        acc = new double[global.size()];
      }
      double w = weighting == Weighting.EXAMPLES ? result.numExamples() : 1;
      Aggregations.foldDifference(
          acc,
          base.values(),
          result.parameters().values(),
          w * stalenessFactor(staleness, stalenessExponent));
      weights += w;
      tally.add(result);
      stalenessSum += staleness;
      stalenessMax = Math.max(stalenessMax, staleness);
    }

    @Override
    public int count() {
      return tally.results();
    }

    @Override
    public AggregateResult finish(List<ClientFailure> failures) {
      if (finished) {
        throw new IllegalStateException("step " + step + ": buffer already finished");
      }
      finished = true;
      Map<String, Double> metrics = tally.metrics(failures);
      if (tally.results() == 0) {
        return new AggregateResult(Optional.empty(), metrics);
      }
      metrics.put(STALENESS_MEAN, (double) stalenessSum / tally.results());
      metrics.put(STALENESS_MAX, (double) stalenessMax);
      float[] next = ServerSteps.descend(global.values(), acc, serverLr / weights);
      acc = null;
      return new AggregateResult(Optional.of(new Parameters(global.layout(), next)), metrics);
    }
  }
}

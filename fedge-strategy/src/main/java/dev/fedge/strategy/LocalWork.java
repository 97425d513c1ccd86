package dev.fedge.strategy;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deadline-sized local work: wraps a strategy and gives each selected client, in its fit config's
 * {@link ConfigKeys#MAX_STEPS}, as many local steps as fit in the round's deadline at the client's
 * speed ({@link #steps}). Everything else is the wrapped strategy's; with {@code fednova} the
 * unequal step counts are normalised away (Wang et al. 2020; it diverged in fedge's measurement
 * with 8x unequal steps on non-IID data, so it is not the default, docs/HETEROGENEITY.md). A client
 * whose speed is not known yet gets the minimum, a short probe task that measures it.
 */
public final class LocalWork extends ForwardingStrategy {

  /** A client's training speed, in images per second; NaN when not known yet. */
  @FunctionalInterface
  public interface Speeds {
    /**
     * @param clientId the client
     * @return its images per second, NaN when unknown
     */
    double imagesPerSecond(String clientId);
  }

  /** The sizes of the clients' local data sets, in images; 0 when unknown. */
  @FunctionalInterface
  public interface Sizes {
    /**
     * @param clientId the client
     * @return its training images, 0 when unknown
     */
    int examples(String clientId);
  }

  /** Round metric: the fewest local steps a client of the round did. */
  public static final String STEPS_MIN = "steps_min";

  /** Round metric: the most local steps a client of the round did. */
  public static final String STEPS_MAX = "steps_max";

  private final double deadlineSeconds;
  private final int minSteps;
  private final int batchSize;
  private final int epochs;
  private final Speeds speeds;
  private final Sizes sizes;

  /**
   * @param inner the strategy that samples and aggregates
   * @param deadlineSeconds the round's deadline, > 0
   * @param minSteps the fewest local steps a client is given, >= 1 (also a new device's probe)
   * @param batchSize the local mini-batch size
   * @param epochs the configured local epochs (the most work a client is given)
   * @param speeds each client's speed
   * @param sizes each client's data size
   */
  public LocalWork(Strategy inner, double deadlineSeconds, int minSteps, int batchSize, int epochs,
      Speeds speeds, Sizes sizes) {
    super(inner);
    if (!(deadlineSeconds > 0) || minSteps < 1 || batchSize < 1 || epochs < 1) {
      throw new IllegalArgumentException("local work: needs a deadline > 0, min steps >= 1, batch "
          + ">= 1 and epochs >= 1, got " + deadlineSeconds + " s, " + minSteps + ", " + batchSize
          + ", " + epochs);
    }
    this.deadlineSeconds = deadlineSeconds;
    this.minSteps = minSteps;
    this.batchSize = batchSize;
    this.epochs = epochs;
    this.speeds = speeds;
    this.sizes = sizes;
  }

  /**
   * The local steps that fit in a deadline.
   *
   * @param deadlineSeconds the deadline
   * @param imagesPerSecond the client's speed; NaN or <= 0: unknown
   * @param batchSize the mini-batch size
   * @param examples the client's training images; 0: unknown (no upper bound from it)
   * @param epochs the configured local epochs
   * @param minSteps the fewest steps
   * @return {@code clamp(floor(deadline × speed / batch), minSteps, epochs × ceil(examples /
   *     batch))}; {@code minSteps} when the speed is unknown
   */
  public static int steps(double deadlineSeconds, double imagesPerSecond, int batchSize,
      int examples, int epochs, int minSteps) {
    long most = examples > 0 ? (long) epochs * ((examples + batchSize - 1) / batchSize)
        : Integer.MAX_VALUE;
    if (!(imagesPerSecond > 0) || Double.isInfinite(imagesPerSecond)) {
      return (int) Math.min(minSteps, Math.max(1, most));
    }
    double fit = Math.floor(deadlineSeconds * imagesPerSecond / batchSize);
    long s = (long) Math.min(fit, most);
    return (int) Math.max(s, Math.min(minSteps, most));
  }

  /** The steps this run gives a client now. */
  public int stepsFor(String clientId) {
    return steps(deadlineSeconds, speeds.imagesPerSecond(clientId), batchSize,
        sizes.examples(clientId), epochs, minSteps);
  }

  @Override
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    List<ClientInstruction<FitIns>> out = new ArrayList<>();
    for (ClientInstruction<FitIns> i : inner().configureFit(round, global, available)) {
      FitIns ins = i.ins();
      out.add(new ClientInstruction<>(i.client(), new FitIns(ins.parameters(),
          ins.config().with(ConfigKeys.MAX_STEPS, (long) stepsFor(i.client().id())))));
    }
    return out;
  }

  /**
   * The wrapped strategy's aggregation, whose result's metrics also say how many local steps the
   * slowest and the fastest client did ({@value #STEPS_MIN}, {@value #STEPS_MAX}, from the results'
   * {@link FitRes#NUM_STEPS}).
   */
  @Override
  public FitAggregation startAggregation(int round, Parameters global) {
    FitAggregation agg = inner().startAggregation(round, global);
    return new FitAggregation() {
      private double min = Double.POSITIVE_INFINITY;
      private double max = Double.NEGATIVE_INFINITY;

      @Override
      public void accept(String clientId, FitRes result) {
        agg.accept(clientId, result);
        steps(result.metric(FitRes.NUM_STEPS, Double.NaN));
      }

      /** As the wrapped aggregation: a weighted mean folds encoded results from their bytes. */
      @Override
      public boolean foldsEncoded() {
        return agg.foldsEncoded();
      }

      @Override
      public void acceptEncoded(String clientId, EncodedFitRes result) {
        agg.acceptEncoded(clientId, result);
        steps(result.metric(FitRes.NUM_STEPS, Double.NaN));
      }

      private void steps(double steps) {
        if (Double.isFinite(steps)) {
          min = Math.min(min, steps);
          max = Math.max(max, steps);
        }
      }

      @Override
      public int count() {
        return agg.count();
      }

      @Override
      public AggregateResult finish(List<ClientFailure> failures) {
        AggregateResult r = agg.finish(failures);
        if (min > max) {
          return r;
        }
        Map<String, Double> m = new LinkedHashMap<>(r.metrics());
        m.put(STEPS_MIN, min);
        m.put(STEPS_MAX, max);
        return new AggregateResult(r.parameters(), m);
      }
    };
  }

  @Override
  public Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>(inner().provenance());
    p.put("local_work", Map.of("mode", "deadline", "deadline_seconds", deadlineSeconds,
        "min_local_steps", minSteps));
    return p;
  }
}

package dev.fedge.strategy;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * HeteroFL (Diao, Ding and Tarokh, "HeteroFL: Computation and Communication Efficient Federated
 * Learning for Heterogeneous Clients", ICLR 2021): each client trains a width-scaled submodel of
 * the global model, the first slice of every tensor ({@link Submodels}), and every parameter is
 * averaged, weighted by examples, over the clients whose submodel holds it; a parameter no client
 * of the round holds keeps its value.
 *
 * <p>The wrapped strategy samples the clients (from those with a width; width 0 takes no part) and
 * makes their config, to which this adds {@link ConfigKeys#WIDTH}; the aggregation is HeteroFL's
 * own, so the wrapped strategy must be one whose aggregation is the example-weighted mean ({@link
 * #AVERAGING}: FedAvg, and FedProx and FedNTD, whose differences are on the clients). With an
 * evaluator, the central evaluation reports the full model and each width's submodel ({@code
 * accuracy_w0.25}, {@code loss_w0.25}).
 *
 * <p>HeteroFL's "static batch normalisation" and its scaler are not needed here: fedge's models
 * use group normalisation (or none), which keeps no running statistics.
 */
public final class HeteroFl extends ForwardingStrategy {

  /** Strategies whose aggregation is the example-weighted mean, which HeteroFL's generalises. */
  public static final List<String> AVERAGING = List.of("fedavg", "fedprox", "fedntd");

  /** Round metric prefix: the results of clients of one width, e.g. {@code results_w0.5}. */
  public static final String RESULTS_PREFIX = "results_w";

  /** A client's width, in (0, 1]; 0 when it takes no part. */
  @FunctionalInterface
  public interface WidthOf {
    /**
     * @param client the client
     * @return its width
     */
    double width(ClientProxy client);
  }

  /** The layout of the submodel of a width (the full model's at width 1). */
  @FunctionalInterface
  public interface Layouts {
    /**
     * @param width a width in (0, 1]
     * @return the layout of the model at that width
     */
    ParameterLayout at(double width);
  }

  /** Evaluates a model of a width centrally. */
  @FunctionalInterface
  public interface Evaluator {
    /**
     * @param width the model's width (1: the full model)
     * @param model its parameters, in the width's layout
     * @return loss, examples and accuracy
     */
    EvaluateRes evaluate(double width, Parameters model);
  }

  private final List<Double> widths;
  private final WidthOf widthOf;
  private final Layouts layouts;
  private final Evaluator evaluator;
  private final Map<Double, ParameterLayout> layoutCache = new HashMap<>();
  private final Map<String, Double> assigned = new TreeMap<>();

  /**
   * @param inner the strategy that samples and configures the clients; one of {@link #AVERAGING}
   * @param widths the run's widths, each in (0, 1] (those the evaluation reports)
   * @param widthOf each client's width
   * @param layouts each width's layout
   * @param evaluator evaluates each width centrally, or null to leave the evaluation to {@code
   *     inner} (and the coordinator)
   * @throws IllegalArgumentException for a strategy that does not average or a bad width
   */
  public HeteroFl(Strategy inner, List<Double> widths, WidthOf widthOf, Layouts layouts,
      Evaluator evaluator) {
    super(inner);
    if (!AVERAGING.contains(inner.name())) {
      throw new IllegalArgumentException("widths: HeteroFL averages each parameter over the "
          + "clients that hold it, as " + String.join(", ", AVERAGING) + " do; strategy '"
          + inner.name() + "' cannot be combined with widths");
    }
    if (widths.isEmpty()) {
      throw new IllegalArgumentException("widths: needs at least one width");
    }
    for (double w : widths) {
      checkWidth(w);
    }
    this.widths = widths.stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList();
    this.widthOf = widthOf;
    this.layouts = layouts;
    this.evaluator = evaluator;
  }

  /**
   * Checks a width.
   *
   * @param w the width
   * @throws IllegalArgumentException unless {@code 0 < w <= 1}
   */
  public static void checkWidth(double w) {
    if (!(w > 0 && w <= 1)) {
      throw new IllegalArgumentException("widths: every width must be in (0, 1], got " + label(w));
    }
  }

  /**
   * A width as metric names and messages write it: {@code 1}, {@code 0.5}, {@code 0.25}.
   *
   * @param w the width
   * @return the shortest decimal text
   */
  public static String label(double w) {
    if (!Double.isFinite(w)) {
      return Double.toString(w);
    }
    return BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
  }

  /** The run's widths, widest first. */
  public List<Double> widths() {
    return widths;
  }

  private ParameterLayout layout(double w) {
    return layoutCache.computeIfAbsent(w, layouts::at);
  }

  /**
   * The wrapped strategy's instructions for the clients with a width, each with the submodel of its
   * width and {@link ConfigKeys#WIDTH}.
   */
  @Override
  public List<ClientInstruction<FitIns>> configureFit(
      int round, Parameters global, List<ClientProxy> available) {
    List<ClientProxy> taking = new ArrayList<>();
    Map<String, Double> widthOfId = new HashMap<>();
    for (ClientProxy c : available) {
      double w = widthOf.width(c);
      if (w == 0) {
        continue;
      }
      checkWidth(w);
      taking.add(c);
      widthOfId.put(c.id(), w);
    }
    Map<Double, Parameters> slices = new HashMap<>();
    List<ClientInstruction<FitIns>> out = new ArrayList<>();
    for (ClientInstruction<FitIns> i : inner().configureFit(round, global, taking)) {
      double w = widthOfId.get(i.client().id());
      FitIns ins = i.ins();
      Parameters p = w == 1 ? ins.parameters()
          : slices.computeIfAbsent(w, k -> Submodels.slice(ins.parameters(), layout(k)));
      assigned.put(i.client().id(), w);
      out.add(new ClientInstruction<>(i.client(),
          new FitIns(p, ins.config().with(ConfigKeys.WIDTH, w))));
    }
    return out;
  }

  /** The wrapped strategy's evaluating clients, each sent the submodel of its width. */
  @Override
  public List<ClientInstruction<dev.fedge.api.EvaluateIns>> configureEvaluate(
      int round, Parameters global, List<ClientProxy> available) {
    List<ClientProxy> taking = available.stream().filter(c -> widthOf.width(c) > 0).toList();
    List<ClientInstruction<dev.fedge.api.EvaluateIns>> out = new ArrayList<>();
    for (ClientInstruction<dev.fedge.api.EvaluateIns> i
        : inner().configureEvaluate(round, global, taking)) {
      double w = widthOf.width(i.client());
      dev.fedge.api.EvaluateIns ins = i.ins();
      out.add(w == 1 ? i : new ClientInstruction<>(i.client(), new dev.fedge.api.EvaluateIns(
          Submodels.slice(ins.parameters(), layout(w)), ins.config())));
    }
    return out;
  }

  /**
   * HeteroFL's aggregation: the results are grouped by their layout, each group's example-weighted
   * sum is kept (O(its submodel's size)), and {@link Submodels#combine} makes the next global model.
   * A result is refused (the aggregate left as it was) when its layout is no submodel of the global
   * model, it has no examples or a value is not finite.
   */
  @Override
  public FitAggregation startAggregation(int round, Parameters global) {
    return new Aggregation(round, global);
  }

  /** The full model's central evaluation, with each smaller width's submodel's. */
  @Override
  public Optional<EvaluateRes> evaluate(int round, Parameters global) {
    if (evaluator == null) {
      return inner().evaluate(round, global);
    }
    EvaluateRes full = evaluator.evaluate(1.0, global);
    Map<String, Double> metrics = new LinkedHashMap<>(full.metrics());
    for (double w : widths) {
      if (w < 1) {
        EvaluateRes r = evaluator.evaluate(w, Submodels.slice(global, layout(w)));
        metrics.put(EvaluateRes.ACCURACY + "_w" + label(w), r.accuracy());
        metrics.put("loss_w" + label(w), r.loss());
      }
    }
    return Optional.of(new EvaluateRes(full.loss(), full.numExamples(), metrics));
  }

  /** The wrapped strategy's, with {@code heterofl}: the run's widths and each client's. */
  @Override
  public Map<String, Object> provenance() {
    Map<String, Object> p = new LinkedHashMap<>(inner().provenance());
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("widths", widths);
    h.put("client_widths", new TreeMap<>(assigned));
    p.put("heterofl", h);
    return p;
  }

  private final class Aggregation implements FitAggregation {
    private final int round;
    private final Parameters global;
    private final Map<ParameterLayout, double[]> sums = new LinkedHashMap<>();
    private final Map<ParameterLayout, double[]> weights = new LinkedHashMap<>();
    private final Map<String, Integer> perWidth = new TreeMap<>();
    private final Set<String> seen = new HashSet<>();
    private final FitTally tally = new FitTally();
    private boolean finished;

    Aggregation(int round, Parameters global) {
      this.round = round;
      this.global = global;
    }

    @Override
    public void accept(String clientId, FitRes result) {
      if (finished) {
        throw new IllegalStateException("round " + round + ": aggregation already finished");
      }
      UpdateChecks.identified(clientId, result);
      if (seen.contains(clientId)) {
        throw new IllegalArgumentException(
            "client '" + clientId + "': already delivered a result in round " + round);
      }
      Parameters p = result.parameters();
      try {
        Submodels.check(global.layout(), p.layout());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("client '" + clientId + "': " + e.getMessage(), e);
      }
      if (result.numExamples() == 0) {
        throw new IllegalArgumentException("client '" + clientId + "': numExamples is 0; an "
            + "update must come from at least one training example");
      }
      int bad = Aggregations.firstNonFinite(p.values());
      if (bad >= 0) {
        throw new IllegalArgumentException("client '" + clientId + "': value " + p.values()[bad]
            + " at index " + bad + " is not finite");
      }
      double n = result.numExamples();
      double[] sum = sums.computeIfAbsent(p.layout(), l -> new double[l.totalSize()]);
      float[] v = p.values();
      for (int k = 0; k < v.length; k++) {
        sum[k] += n * v[k];
      }
      weights.computeIfAbsent(p.layout(), l -> new double[1])[0] += n;
      Double w = assigned.get(clientId);
      String key = w != null ? label(w)
          : label(Math.sqrt(Submodels.share(global.layout(), p.layout())));
      perWidth.merge(key, 1, Integer::sum);
      seen.add(clientId);
      tally.add(result);
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
      for (Map.Entry<String, Integer> e : perWidth.entrySet()) {
        metrics.put(RESULTS_PREFIX + e.getKey(), (double) e.getValue());
      }
      ParameterLayout[] ls = sums.keySet().toArray(new ParameterLayout[0]);
      double[][] s = new double[ls.length][];
      double[] wts = new double[ls.length];
      for (int g = 0; g < ls.length; g++) {
        s[g] = sums.get(ls[g]);
        wts[g] = weights.get(ls[g])[0];
      }
      float[] next = Submodels.combine(global, ls, s, wts);
      return new AggregateResult(Optional.of(new Parameters(global.layout(), next)), metrics);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "heterofl%s over %s", widths, inner().name());
  }
}

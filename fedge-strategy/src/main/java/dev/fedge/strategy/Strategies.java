package dev.fedge.strategy;

import dev.fedge.api.Strategy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes a strategy from its {@code --strategy} name and its {@code key=value} options (from
 * {@code --strategy-opt mu=0.1} or a config file). Everything is checked here, when a run starts,
 * never in the middle of one: an unknown name lists the known names, an unknown option lists the
 * strategy's options, and a bad value names the option and the value.
 *
 * <table>
 *   <caption>Strategies and their options (defaults)</caption>
 *   <tr><th>name</th><th>options</th></tr>
 *   <tr><td>fedavg</td><td>none</td></tr>
 *   <tr><td>fedavgm</td><td>server_lr (1.0), server_momentum (0.9)</td></tr>
 *   <tr><td>fedprox</td><td>mu (0.01)</td></tr>
 *   <tr><td>fedntd</td><td>tau (1.0), beta (1.0)</td></tr>
 *   <tr><td>fednova</td><td>normaliser ({@code momentum}: the run's SGD momentum; or {@code
 *       steps}), tau_eff ({@code mean}: the paper's; {@code harmonic} or {@code
 *       geometric})</td></tr>
 *   <tr><td>fedadam</td><td>eta (0.01), eta_l (run lr), beta_1 (0.9), beta_2 (0.99), tau
 *       (1e-3)</td></tr>
 *   <tr><td>fedyogi</td><td>eta (0.01), eta_l (run lr), beta_1 (0.9), beta_2 (0.99), tau
 *       (1e-3)</td></tr>
 *   <tr><td>fedadagrad</td><td>eta (0.01), eta_l (run lr), tau (1e-3)</td></tr>
 *   <tr><td>fedmedian</td><td>none</td></tr>
 *   <tr><td>fedtrimmedavg</td><td>beta (0.2)</td></tr>
 *   <tr><td>krum</td><td>f (0), m (1)</td></tr>
 *   <tr><td>fedpav</td><td>local_layers ({@code head\..*})</td></tr>
 *   <tr><td>fedpav-ntd</td><td>local_layers ({@code head\..*}), tau (1.0), beta (1.0)</td></tr>
 *   <tr><td>fedbuff</td><td>buffer_size (0: the synchronous sample size), concurrency (0: twice
 *       the buffer size), server_lr (1.0), staleness_exponent (0.5), weighting ({@code
 *       examples}; or {@code equal})</td></tr>
 *   <tr><td>local-only</td><td>none</td></tr>
 * </table>
 */
public final class Strategies {

  /** Builds one strategy from parsed options. */
  @FunctionalInterface
  private interface Factory {
    Strategy create(StrategyOptions options, StrategySettings settings);
  }

  private record Entry(List<String> options, Factory factory) {}

  /** The constructor of an Adam-shaped optimiser: FedAdam, FedYogi. */
  @FunctionalInterface
  private interface AdaptiveConstructor {
    Strategy create(
        StrategySettings settings, double eta, double etaL, double beta1, double beta2, double tau);
  }

  private static final Map<String, Entry> REGISTRY = registry();

  private Strategies() {}

  private static Map<String, Entry> registry() {
    Map<String, Entry> r = new LinkedHashMap<>();
    r.put("fedavg", new Entry(List.of(), (o, s) -> new FedAvg(s)));
    r.put(
        "fedavgm",
        new Entry(
            List.of("server_lr", "server_momentum"),
            (o, s) ->
                new FedAvgM(
                    s,
                    o.number("server_lr", FedAvgM.DEFAULT_SERVER_LR),
                    o.number("server_momentum", FedAvgM.DEFAULT_SERVER_MOMENTUM))));
    r.put(
        "fedprox",
        new Entry(List.of("mu"), (o, s) -> new FedProx(s, o.number("mu", FedProx.DEFAULT_MU))));
    r.put(
        "fedntd",
        new Entry(
            List.of("tau", "beta"),
            (o, s) ->
                new FedNtd(
                    s,
                    o.number("tau", FedNtd.DEFAULT_TAU),
                    o.number("beta", FedNtd.DEFAULT_BETA))));
    r.put(
        "fednova",
        new Entry(
            List.of("normaliser", "tau_eff"),
            (o, s) ->
                new FedNova(
                    s,
                    FedNova.Normaliser.parse(
                        o.string("normaliser", FedNova.DEFAULT_NORMALISER.label())),
                    FedNova.TauEff.parse(o.string("tau_eff", FedNova.DEFAULT_TAU_EFF.label())))));
    r.put(
        "fedadam",
        adaptive(
            FedAdam::new,
            FedAdam.DEFAULT_ETA,
            FedAdam.DEFAULT_BETA_1,
            FedAdam.DEFAULT_BETA_2,
            FedAdam.DEFAULT_TAU));
    r.put(
        "fedyogi",
        adaptive(
            FedYogi::new,
            FedYogi.DEFAULT_ETA,
            FedYogi.DEFAULT_BETA_1,
            FedYogi.DEFAULT_BETA_2,
            FedYogi.DEFAULT_TAU));
    r.put(
        "fedadagrad",
        new Entry(
            List.of("eta", "eta_l", "tau"),
            (o, s) ->
                new FedAdagrad(
                    s,
                    o.number("eta", FedAdagrad.DEFAULT_ETA),
                    o.number("eta_l", Double.NaN),
                    o.number("tau", FedAdagrad.DEFAULT_TAU))));
    r.put("fedmedian", new Entry(List.of(), (o, s) -> new FedMedian(s)));
    r.put(
        "fedtrimmedavg",
        new Entry(
            List.of("beta"),
            (o, s) -> new FedTrimmedAvg(s, o.number("beta", FedTrimmedAvg.DEFAULT_BETA))));
    r.put(
        "krum",
        new Entry(
            List.of("f", "m"),
            (o, s) -> new Krum(s, o.integer("f", Krum.DEFAULT_F), o.integer("m", Krum.DEFAULT_M))));
    r.put(
        "fedpav",
        new Entry(
            List.of("local_layers"),
            (o, s) -> new FedPav(s, o.string("local_layers", FedPav.DEFAULT_LOCAL_LAYERS))));
    r.put(
        "fedpav-ntd",
        new Entry(
            List.of("local_layers", "tau", "beta"),
            (o, s) ->
                new FedPavNtd(
                    s,
                    o.string("local_layers", FedPav.DEFAULT_LOCAL_LAYERS),
                    o.number("tau", FedNtd.DEFAULT_TAU),
                    o.number("beta", FedNtd.DEFAULT_BETA))));
    r.put(
        "fedbuff",
        new Entry(
            List.of("buffer_size", "concurrency", "server_lr", "staleness_exponent", "weighting"),
            (o, s) ->
                new FedBuff(
                    s,
                    o.integer("buffer_size", FedBuff.DEFAULT_BUFFER_SIZE),
                    o.integer("concurrency", FedBuff.DEFAULT_CONCURRENCY),
                    o.number("server_lr", FedBuff.DEFAULT_SERVER_LR),
                    o.number("staleness_exponent", FedBuff.DEFAULT_STALENESS_EXPONENT),
                    FedBuff.Weighting.parse(
                        o.string("weighting", FedBuff.DEFAULT_WEIGHTING.label())))));
    r.put("local-only", new Entry(List.of(), (o, s) -> new LocalOnly(s)));
    return Collections.unmodifiableMap(r);
  }

  /**
   * The entry of an Adam-shaped optimiser: options {@code eta}, {@code eta_l} (the run's {@code
   * lr} when absent), {@code beta_1}, {@code beta_2} and {@code tau}, with the given defaults.
   */
  private static Entry adaptive(
      AdaptiveConstructor constructor, double eta, double beta1, double beta2, double tau) {
    return new Entry(
        List.of("eta", "eta_l", "beta_1", "beta_2", "tau"),
        (o, s) ->
            constructor.create(
                s,
                o.number("eta", eta),
                o.number("eta_l", Double.NaN),
                o.number("beta_1", beta1),
                o.number("beta_2", beta2),
                o.number("tau", tau)));
  }

  /**
   * The known strategy names, in a stable order.
   *
   * @return the names accepted by {@link #create}
   */
  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /**
   * The options a strategy accepts.
   *
   * @param name a strategy name
   * @return its option names, possibly none
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static List<String> options(String name) {
    return entry(name).options();
  }

  /**
   * Makes a strategy, checking its options.
   *
   * @param name a strategy name (case and surrounding spaces are ignored)
   * @param options {@code key=value} options of that strategy; absent ones take their defaults
   * @param settings the shared sampling and trainer settings
   * @return the strategy
   * @throws IllegalArgumentException for an unknown name or option, or a bad value, in one line
   *     naming it
   */
  public static Strategy create(
      String name, Map<String, String> options, StrategySettings settings) {
    Entry e = entry(name);
    if (settings == null) {
      throw new IllegalArgumentException("settings: must not be null");
    }
    String key = normalise(name);
    StrategyOptions parsed =
        new StrategyOptions(key, options == null ? Map.of() : options, e.options());
    return e.factory().create(parsed, settings);
  }

  private static Entry entry(String name) {
    Entry e = name == null ? null : REGISTRY.get(normalise(name));
    if (e == null) {
      throw new IllegalArgumentException(
          "unknown strategy '" + name + "'; known strategies: " + String.join(", ", names()));
    }
    return e;
  }

  private static String normalise(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }
}

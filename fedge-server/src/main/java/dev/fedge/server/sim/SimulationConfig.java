package dev.fedge.server.sim;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that defines a simulated federation. Built from a map whose keys are the {@code
 * simulate} flags without dashes ({@code rounds}, {@code local-epochs}, ...), as read from a YAML
 * file and/or the command line; {@link #toMap()} gives the resolved map back for the run folder.
 *
 * @param name run name (the run folder's name)
 * @param dataset data set name ({@code fashion-mnist}, {@code cifar10}, {@code folder:PATH}, ...)
 * @param model model name ({@code cnn}, {@code resnet18})
 * @param strategy strategy name
 * @param strategyOptions strategy parameters ({@code mu=0.1}, ...)
 * @param clients number of simulated clients
 * @param fraction fraction of clients sampled each round
 * @param rounds number of rounds
 * @param localEpochs local epochs per round
 * @param batchSize local mini-batch size
 * @param lr local SGD learning rate
 * @param momentum local SGD momentum
 * @param weightDecay local L2 weight decay
 * @param partition {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K}
 * @param seed seed of everything random
 * @param threads PyTorch threads
 * @param out run folder
 * @param dataDir where data sets are looked for and downloaded to
 * @param fractionEvaluate fraction of clients that evaluate locally each round (0 = none)
 * @param testLimit use only the first N test images for central evaluation (0 = all)
 * @param clientTestLimit test images each client evaluates on, when clients evaluate
 * @param trainLimit use only the first N training images (0 = all), for quick runs
 * @param clientSpeeds relative speeds of the simulated devices, given to the clients in turn
 *     (client i gets {@code clientSpeeds[i % size]}); a device of speed 1 trains {@value
 *     #IMAGES_PER_SECOND} images a virtual second. They set the virtual clock of the run: when an
 *     asynchronous strategy's updates arrive, and how long each round takes (a synchronous round
 *     lasts as long as its slowest client)
 */
public record SimulationConfig(
    String name,
    String dataset,
    String model,
    String strategy,
    Map<String, String> strategyOptions,
    int clients,
    double fraction,
    int rounds,
    int localEpochs,
    int batchSize,
    double lr,
    double momentum,
    double weightDecay,
    String partition,
    long seed,
    int threads,
    Path out,
    Path dataDir,
    double fractionEvaluate,
    int testLimit,
    int clientTestLimit,
    int trainLimit,
    List<Double> clientSpeeds) {

  /** Images a device of speed 1 trains per virtual second: the unit of the virtual clock. */
  public static final int IMAGES_PER_SECOND = 1000;

  /** Keys accepted by {@link #fromMap}, with their defaults ({@code null}: computed). */
  public static final Map<String, Object> DEFAULTS = defaults();

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", null);
    d.put("dataset", "fashion-mnist");
    d.put("model", "cnn");
    d.put("strategy", "fedavg");
    d.put("strategy-opts", Map.of());
    d.put("clients", 10);
    d.put("fraction", 1.0);
    d.put("rounds", 5);
    d.put("local-epochs", 2);
    d.put("batch-size", 32);
    d.put("lr", 0.01);
    d.put("momentum", 0.9);
    d.put("weight-decay", 0.0);
    d.put("partition", "iid");
    d.put("seed", 42L);
    d.put("threads", 2);
    d.put("out", null);
    d.put("data-dir", "data");
    d.put("fraction-evaluate", 0.0);
    d.put("test-limit", 0);
    d.put("client-test-limit", 1000);
    d.put("train-limit", 0);
    d.put("client-speeds", List.of(1.0));
    return java.util.Collections.unmodifiableMap(d);
  }

  /** Validates ranges; every message names the setting and the value. */
  public SimulationConfig {
    strategyOptions = Map.copyOf(strategyOptions);
    clientSpeeds = List.copyOf(clientSpeeds);
    if (clientSpeeds.isEmpty()) {
      throw new IllegalArgumentException("client-speeds must list at least one speed");
    }
    for (double v : clientSpeeds) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            "client-speeds: every speed must be > 0, got " + v + " in " + clientSpeeds);
      }
    }
    positive("clients", clients);
    positive("rounds", rounds);
    positive("local-epochs", localEpochs);
    positive("batch-size", batchSize);
    positive("threads", threads);
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
    }
    if (!(fractionEvaluate >= 0 && fractionEvaluate <= 1)) {
      throw new IllegalArgumentException(
          "fraction-evaluate must be in [0, 1], got " + fractionEvaluate);
    }
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new IllegalArgumentException("lr must be > 0, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight-decay must be >= 0, got " + weightDecay);
    }
    if (testLimit < 0 || clientTestLimit < 0 || trainLimit < 0) {
      throw new IllegalArgumentException("limits must be >= 0");
    }
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }
  }

  /**
   * Builds a config from settings; missing keys take their defaults.
   *
   * @param settings keys of {@link #DEFAULTS}; values may be strings (from flags) or YAML scalars
   * @throws IllegalArgumentException for an unknown key or a value of the wrong type, naming both
   */
  public static SimulationConfig fromMap(Map<String, ?> settings) {
    Map<String, Object> m = new LinkedHashMap<>(DEFAULTS);
    for (Map.Entry<String, ?> e : settings.entrySet()) {
      String key = e.getKey().replace('_', '-');
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown setting '" + e.getKey() + "'; known settings: "
                + String.join(", ", DEFAULTS.keySet()));
      }
      if (e.getValue() != null) {
        m.put(key, e.getValue());
      }
    }
    String dataset = str(m, "dataset");
    String strategy = str(m, "strategy").toLowerCase(Locale.ROOT);
    String partition = str(m, "partition");
    String name = m.get("name") == null
        ? dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + strategy + "-"
            + partition.replace(':', '_') + "-s" + lng(m, "seed")
        : str(m, "name");
    Path out = m.get("out") == null ? Path.of("runs", name) : Path.of(str(m, "out"));
    return new SimulationConfig(
        name,
        dataset,
        str(m, "model"),
        strategy,
        options(m.get("strategy-opts")),
        integer(m, "clients"),
        dbl(m, "fraction"),
        integer(m, "rounds"),
        integer(m, "local-epochs"),
        integer(m, "batch-size"),
        dbl(m, "lr"),
        dbl(m, "momentum"),
        dbl(m, "weight-decay"),
        partition,
        lng(m, "seed"),
        integer(m, "threads"),
        out,
        Path.of(str(m, "data-dir")),
        dbl(m, "fraction-evaluate"),
        integer(m, "test-limit"),
        integer(m, "client-test-limit"),
        integer(m, "train-limit"),
        speeds(m.get("client-speeds")));
  }

  /**
   * Whether the devices differ in speed (then the run reports its virtual time).
   *
   * @return true unless every device has the same speed
   */
  public boolean heterogeneous() {
    return clientSpeeds.stream().distinct().count() > 1;
  }

  /**
   * The virtual seconds one local training of a client takes.
   *
   * @param client the client's index
   * @param examples its training images
   * @return {@code examples × local-epochs / (speed × IMAGES_PER_SECOND)}
   */
  public double taskSeconds(int client, int examples) {
    double speed = clientSpeeds.get(client % clientSpeeds.size());
    return (double) examples * localEpochs / (speed * IMAGES_PER_SECOND);
  }

  /** The resolved settings, with the keys of {@link #DEFAULTS}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("dataset", dataset);
    m.put("model", model);
    m.put("strategy", strategy);
    m.put("strategy-opts", new TreeMap<>(strategyOptions));
    m.put("clients", clients);
    m.put("fraction", fraction);
    m.put("rounds", rounds);
    m.put("local-epochs", localEpochs);
    m.put("batch-size", batchSize);
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("weight-decay", weightDecay);
    m.put("partition", partition);
    m.put("seed", seed);
    m.put("threads", threads);
    m.put("out", out.toString());
    m.put("data-dir", dataDir.toString());
    m.put("fraction-evaluate", fractionEvaluate);
    m.put("test-limit", testLimit);
    m.put("client-test-limit", clientTestLimit);
    m.put("train-limit", trainLimit);
    m.put("client-speeds", clientSpeeds);
    return m;
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Map || v instanceof List) {
      throw new IllegalArgumentException("setting '" + key + "': expected a single value, got " + v);
    }
    String s = String.valueOf(v).trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("setting '" + key + "' must not be empty");
    }
    return s;
  }

  private static int integer(Map<String, Object> m, String key) {
    long v = lng(m, key);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new IllegalArgumentException("setting '" + key + "': " + v + " is out of range");
    }
    return (int) v;
  }

  private static long lng(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return ((Number) v).longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting '" + key + "': expected an integer, got '" + v + "'");
    }
  }

  private static double dbl(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "': expected a number, got '" + v + "'");
    }
  }

  private static List<Double> speeds(Object v) {
    List<?> items = v instanceof List<?> l ? l : List.of(String.valueOf(v).split(",", -1));
    List<Double> out = new java.util.ArrayList<>();
    for (Object o : items) {
      if (o instanceof Number n) {
        out.add(n.doubleValue());
        continue;
      }
      try {
        out.add(Double.parseDouble(String.valueOf(o).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "setting 'client-speeds': expected numbers separated by commas, got '" + v + "'");
      }
    }
    return out;
  }

  private static Map<String, String> options(Object v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "setting 'strategy-opts': expected key: value pairs, got '" + v + "'");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
    }
    return out;
  }
}

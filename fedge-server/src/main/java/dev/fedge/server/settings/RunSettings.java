package dev.fedge.server.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.data.Datasets;
import dev.fedge.ml.Models;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.codec.Codecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of one run, for {@code fedge simulate}, {@code fedge server}, {@code POST
 * /api/v1/runs} and the accuracy study. {@link RunSettingsBinder} binds YAML, the API's JSON and the
 * flags to it (one spelling per key: the flag's, without the dashes in front); the compact
 * constructor validates every field, naming it and its value; {@link #fitConfig()} is the clients'
 * {@link Config}. Adding a setting means a component here (with its {@code @JsonProperty} name, its
 * default in {@link RunSettingsBinder.Use} and its check below) and, where users set it, its flag.
 *
 * @param name run name; {@code null} until bound (the binder makes one from the settings)
 * @param task {@code classify} (image classification, the default) or {@code reid}
 *     (re-identification: an embedding model evaluated by CMC and mAP; see docs/REID.md)
 * @param dataset data set ({@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code cifar100},
 *     {@code folder:PATH})
 * @param model model ({@code cnn}, {@code resnet18})
 * @param strategy strategy name, lower case
 * @param strategyOpts the strategy's parameters ({@code mu=0.1}, ...)
 * @param clients simulated clients (simulate only)
 * @param fraction fraction of the clients sampled each round, in (0, 1]
 * @param rounds rounds, >= 1
 * @param localEpochs local epochs per round, >= 1
 * @param batchSize local mini-batch size, >= 1
 * @param lr local SGD learning rate, > 0
 * @param momentum local SGD momentum, in [0, 1)
 * @param weightDecay local L2 weight decay, >= 0
 * @param partition {@code iid}, {@code dirichlet:ALPHA} or {@code shards:K} (simulate only)
 * @param seed seed of everything random
 * @param threads PyTorch threads (0: one per core)
 * @param out run folder ({@code null}: {@code runs/<name>}; simulate only)
 * @param dataDir data folder
 * @param fractionEvaluate fraction of clients that evaluate locally each round, in [0, 1]
 * @param testLimit first N test images for the central evaluation (0: all)
 * @param clientTestLimit test images each simulated client evaluates on
 * @param trainLimit first N training images (0: all; simulate only)
 * @param clientSpeeds relative speeds of the simulated devices, given to the clients in turn
 * @param minClients clients to wait for before a round (server only)
 * @param minResults results a round needs to count (server only)
 * @param roundTimeout deadline of each round (server only)
 * @param codec wire codec of the clients' updates
 * @param group model store group (server only)
 * @param project model store project ({@code null}: the run name; server only)
 * @param fleet the simulated fleet by device class ({@code null}: none; simulate only); when
 *     given, it sets {@code clients} and {@code client-speeds}
 * @param localWork {@code epochs} (every client trains the configured local epochs) or {@code
 *     deadline} (each client trains as many steps as fit in {@code round-deadline} at its speed;
 *     simulate only for now)
 * @param roundDeadline the deadline that sizes local work ({@code local-work: deadline}; virtual
 *     seconds in a simulation), {@code null} otherwise
 * @param minLocalSteps the fewest local steps a client is given with {@code local-work: deadline}
 * @param widths HeteroFL's widths ({@link Widths}: {@code auto}, or {@code 1,0.5,0.25} given to the
 *     clients in turn), {@code null} for none (every client trains the full model; simulate only)
 */
public record RunSettings(
    @JsonProperty("name") String name,
    @JsonProperty("task") String task,
    @JsonProperty("dataset") String dataset,
    @JsonProperty("model") String model,
    @JsonProperty("strategy") String strategy,
    @JsonProperty("strategy-opts") Map<String, String> strategyOpts,
    @JsonProperty("clients") int clients,
    @JsonProperty("fraction") double fraction,
    @JsonProperty("rounds") int rounds,
    @JsonProperty("local-epochs") int localEpochs,
    @JsonProperty("batch-size") int batchSize,
    @JsonProperty("lr") double lr,
    @JsonProperty("momentum") double momentum,
    @JsonProperty("weight-decay") double weightDecay,
    @JsonProperty("partition") String partition,
    @JsonProperty("seed") long seed,
    @JsonProperty("threads") int threads,
    @JsonProperty("out") String out,
    @JsonProperty("data-dir") String dataDir,
    @JsonProperty("fraction-evaluate") double fractionEvaluate,
    @JsonProperty("test-limit") int testLimit,
    @JsonProperty("client-test-limit") int clientTestLimit,
    @JsonProperty("train-limit") int trainLimit,
    @JsonProperty("client-speeds") @JsonDeserialize(using = RunSettingsBinder.Speeds.class)
        List<Double> clientSpeeds,
    @JsonProperty("min-clients") int minClients,
    @JsonProperty("min-results") int minResults,
    @JsonProperty("round-timeout") @JsonDeserialize(using = RunSettingsBinder.DurationText.class)
        Duration roundTimeout,
    @JsonProperty("codec") String codec,
    @JsonProperty("group") String group,
    @JsonProperty("project") String project,
    @JsonProperty("fleet") @JsonDeserialize(using = RunSettingsBinder.Fleet.class)
        FleetProfile fleet,
    @JsonProperty("local-work") String localWork,
    @JsonProperty("round-deadline") @JsonDeserialize(using = RunSettingsBinder.DurationText.class)
        Duration roundDeadline,
    @JsonProperty("min-local-steps") int minLocalSteps,
    @JsonProperty("widths") String widths) {

  /** Images a device of speed 1 trains per virtual second: the unit of the virtual clock. */
  public static final int IMAGES_PER_SECOND = 1000;

  /** How local work is sized. */
  public static final List<String> LOCAL_WORK = List.of("epochs", "deadline");

  /** The tasks a run can have. */
  public static final List<String> TASKS = List.of("classify", "reid");

  /** Validates every field; each message names the setting and its value. */
  public RunSettings {
    task = text("task", task).toLowerCase(Locale.ROOT);
    if (!TASKS.contains(task)) {
      throw new IllegalArgumentException(
          "task: unknown task '" + task + "' (known: " + String.join(", ", TASKS) + ")");
    }
    dataset = text("dataset", dataset);
    model = text("model", model);
    strategy = text("strategy", strategy).toLowerCase(Locale.ROOT);
    partition = text("partition", partition);
    dataDir = text("data-dir", dataDir);
    codec = text("codec", codec);
    group = text("group", group);
    strategyOpts = strategyOpts == null ? Map.of() : Map.copyOf(strategyOpts);
    clientSpeeds = clientSpeeds == null ? List.of(1.0) : List.copyOf(clientSpeeds);
    if (!(task.equals("reid") && dev.fedge.data.reid.ReidImageLoader.isReal(dataset))) {
      Datasets.checkName(dataset); // veri776 and market1501 are re-identification only
    }
    if (!Models.isKnown(model)) {
      throw new IllegalArgumentException(
          "model: unknown model '" + model + "' (known: " + String.join(", ", Models.NAMES)
              + ", mobilenetv2-x<width>)");
    }
    codec = Codecs.byName(codec).name();
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
    positive("min-clients", minClients);
    positive("min-results", minResults);
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
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight-decay must be >= 0, got " + weightDecay);
    }
    notNegative("threads", threads);
    notNegative("test-limit", testLimit);
    notNegative("client-test-limit", clientTestLimit);
    notNegative("train-limit", trainLimit);
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("round-timeout must be positive, got " + roundTimeout);
    }
    localWork = localWork == null ? "epochs" : localWork.strip().toLowerCase(Locale.ROOT);
    if (!LOCAL_WORK.contains(localWork)) {
      throw new IllegalArgumentException("local-work: expected epochs or deadline, got '"
          + localWork + "'");
    }
    positive("min-local-steps", minLocalSteps);
    if (localWork.equals("deadline") && roundDeadline == null) {
      throw new IllegalArgumentException(
          "round-deadline: local-work deadline needs a round deadline, e.g. round-deadline: 30s");
    }
    if (roundDeadline != null && (roundDeadline.isNegative() || roundDeadline.isZero())) {
      throw new IllegalArgumentException("round-deadline must be positive, got " + roundDeadline);
    }
    if (widths != null) {
      widths = widthSpec(widths).text();
      if ("reid".equals(task)) {
        throw new IllegalArgumentException("widths: HeteroFL has no width-scaled re-identification "
            + "models; leave widths out with task reid");
      }
      if (!dev.fedge.ml.Models.HETEROFL.contains(model)) {
        throw new IllegalArgumentException("widths: HeteroFL has width-scaled models of "
            + String.join(" and ", dev.fedge.ml.Models.HETEROFL) + ", got model '" + model + "'");
      }
      if (!dev.fedge.strategy.HeteroFl.AVERAGING.contains(strategy)) {
        throw new IllegalArgumentException("widths: HeteroFL averages each parameter over the "
            + "clients that hold it, as " + String.join(", ", dev.fedge.strategy.HeteroFl.AVERAGING)
            + " do; strategy '" + strategy + "' cannot be combined with widths");
      }
    }
    if (fleet != null && clients != fleet.size()) {
      throw new IllegalArgumentException("clients: the fleet has " + fleet.size()
          + " devices, got clients " + clients + " (leave clients out with a fleet)");
    }
    if (fleet != null && !clientSpeeds.equals(fleet.speeds())) {
      throw new IllegalArgumentException(
          "client-speeds: the fleet sets the speeds; leave client-speeds out with a fleet");
    }
  }

  private static String text(String key, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("setting '" + key + "' must not be empty");
    }
    return v.strip();
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }
  }

  private static void notNegative(String key, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(key + " must be >= 0, got " + v);
    }
  }

  /**
   * The local training settings every client gets each round: the {@link ConfigKeys} the trainers
   * read (strategies add the round, the seed and their objective's keys).
   *
   * @return {@code local_epochs}, {@code batch_size}, {@code lr}, {@code momentum}, {@code
   *     weight_decay}
   */
  public Config fitConfig() {
    return Config.of(
        ConfigKeys.LOCAL_EPOCHS, (long) localEpochs,
        ConfigKeys.BATCH_SIZE, (long) batchSize,
        ConfigKeys.LR, lr,
        ConfigKeys.MOMENTUM, momentum,
        ConfigKeys.WEIGHT_DECAY, weightDecay);
  }

  /**
   * The strategy's settings for a run that samples from {@code available} clients.
   *
   * @param available clients to sample from (simulate: all clients; server: min-clients)
   * @return sampling fraction, seed, the clients' config and the evaluation fraction
   */
  public StrategySettings strategySettings(int available) {
    return new StrategySettings(fraction, available, seed, fitConfig(), fractionEvaluate);
  }

  /**
   * Checks that the strategy exists and takes these options (krum's {@code f} against the
   * clients it samples from, ...).
   *
   * @param available clients the strategy samples from
   * @throws IllegalArgumentException naming the strategy or the option
   */
  public void checkStrategy(int available) {
    Strategies.create(strategy, strategyOpts,
        StrategySettings.defaults().withSampling(1.0, Math.max(1, available)));
  }

  /** The run folder: {@code out}, or {@code runs/<name>}. */
  public Path outDir() {
    return out == null ? Path.of("runs", String.valueOf(name)) : Path.of(out);
  }

  /** The model store project: {@code project}, or the run name. */
  public String projectOrName() {
    return project == null ? name : project;
  }

  /** Whether this is a re-identification run ({@code task=reid}). */
  public boolean reid() {
    return task.equals("reid");
  }

  /** The data folder as a path. */
  public Path dataPath() {
    return Path.of(dataDir);
  }

  /**
   * The virtual seconds one local training of a simulated client takes.
   *
   * @param client the client's index
   * @param examples its training images
   * @return {@code examples × local-epochs / (speed × IMAGES_PER_SECOND)}
   */
  public double taskSeconds(int client, int examples) {
    double speed = clientSpeeds.get(client % clientSpeeds.size());
    double images = (double) examples * localEpochs;
    if (deadlineSized()) {
      images = Math.min(images, (double) localSteps(client, examples) * batchSize);
    }
    return images / (speed * IMAGES_PER_SECOND);
  }

  /** Whether local work is sized by the round deadline ({@code local-work: deadline}). */
  public boolean deadlineSized() {
    return localWork.equals("deadline");
  }

  /**
   * The local steps a simulated client trains in a round: the configured epochs' steps, or with
   * {@code local-work: deadline} as many as fit in the deadline at its speed (at least {@code
   * min-local-steps}).
   *
   * @param client the client's index
   * @param examples its training images
   * @return the steps
   */
  public int localSteps(int client, int examples) {
    int all = localEpochs * ((examples + batchSize - 1) / batchSize);
    if (!deadlineSized()) {
      return all;
    }
    double speed = clientSpeeds.get(client % clientSpeeds.size());
    return dev.fedge.strategy.LocalWork.steps(roundDeadline.toMillis() / 1000.0,
        speed * IMAGES_PER_SECOND, batchSize, examples, localEpochs, minLocalSteps);
  }

  /** HeteroFL's widths, or null when the run has none. */
  public Widths widthSettings() {
    return widths == null ? null : widthSpec(widths);
  }

  private static Widths widthSpec(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("widths: expected auto or widths such as 1,0.5,0.25, "
          + "got ''");
    }
    return Widths.parse(text);
  }

  /** Whether the simulated devices differ in speed. */
  public boolean heterogeneous() {
    return clientSpeeds.stream().distinct().count() > 1;
  }

  /**
   * A copy with this name, and the run folder and model store project made from it where they
   * were not given.
   *
   * @param newName the run name
   * @return the copy
   */
  public RunSettings named(String newName) {
    return new RunSettings(newName, task, dataset, model, strategy, strategyOpts, clients, fraction,
        rounds, localEpochs, batchSize, lr, momentum, weightDecay, partition, seed, threads,
        out == null ? Path.of("runs", newName).toString() : out,
        dataDir, fractionEvaluate, testLimit, clientTestLimit, trainLimit, clientSpeeds,
        minClients, minResults, roundTimeout, codec, group, project == null ? newName : project,
        fleet, localWork, roundDeadline, minLocalSteps, widths);
  }

  /**
   * The settings with the keys a use takes, in its order, as {@link RunSettingsBinder} reads them
   * back (strategy options sorted by name; the round timeout as text like {@code 120s}).
   *
   * @param use which keys
   * @return key to value
   */
  public Map<String, Object> toMap(RunSettingsBinder.Use use) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("name", name);
    all.put("task", task);
    all.put("dataset", dataset);
    all.put("model", model);
    all.put("strategy", strategy);
    all.put("strategy-opts", new TreeMap<>(strategyOpts));
    all.put("clients", clients);
    all.put("fraction", fraction);
    all.put("rounds", rounds);
    all.put("local-epochs", localEpochs);
    all.put("batch-size", batchSize);
    all.put("lr", lr);
    all.put("momentum", momentum);
    all.put("weight-decay", weightDecay);
    all.put("partition", partition);
    all.put("seed", seed);
    all.put("threads", threads);
    all.put("out", outDir().toString());
    all.put("data-dir", dataDir);
    all.put("fraction-evaluate", fractionEvaluate);
    all.put("test-limit", testLimit);
    all.put("client-test-limit", clientTestLimit);
    all.put("train-limit", trainLimit);
    all.put("client-speeds", clientSpeeds);
    all.put("min-clients", minClients);
    all.put("min-results", minResults);
    all.put("round-timeout", Durations.format(roundTimeout));
    all.put("codec", codec);
    all.put("group", group);
    all.put("project", projectOrName());
    all.put("fleet", fleet == null ? null : fleet.toMap());
    all.put("local-work", localWork);
    all.put("round-deadline", roundDeadline == null ? null : Durations.format(roundDeadline));
    all.put("min-local-steps", minLocalSteps);
    all.put("widths", widths);
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : use.keys()) {
      m.put(k, all.get(k));
    }
    return m;
  }
}

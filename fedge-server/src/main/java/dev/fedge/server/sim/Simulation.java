package dev.fedge.server.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fedge.api.AsyncStrategy;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.partition.Partition;
import dev.fedge.data.partition.Partitioner;
import dev.fedge.ml.DjlLocalTrainer;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.ReidEvaluation;
import dev.fedge.ml.Models;
import dev.fedge.server.ClientPool;
import dev.fedge.server.CoordinatorSettings;
import dev.fedge.server.RoundListener;
import dev.fedge.server.RoundLoop;
import dev.fedge.server.RoundResult;
import dev.fedge.server.VirtualClock;
import dev.fedge.server.report.SvgPlot;
import dev.fedge.server.settings.FleetProfile;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.Widths;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelProvenance;
import dev.fedge.server.store.ModelStore;
import dev.fedge.strategy.HeteroFl;
import dev.fedge.strategy.LocalWork;
import dev.fedge.strategy.Strategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A whole federation on one machine: loads the data set, partitions it across simulated clients,
 * and runs the real round loop ({@link RoundLoop}) over in-process clients that share one DJL
 * runtime (DJL allows one gradient collector per JVM, so they train one after another), or over
 * clients trained in worker processes ({@link #workers(int)}, {@link WorkerPool}). Writes the run
 * folder:
 * {@code config.yaml}, {@code partition.json}, {@code metrics.csv}, {@code accuracy.svg}, and the
 * final model as {@code model.safetensors} with {@code manifest.json}. A re-identification run
 * ({@code task=reid}, {@link ReidTask}) trains an embedding model, evaluates by retrieval (CMC and
 * mAP columns in {@code metrics.csv}) and plots {@code retrieval.svg} instead.
 */
public final class Simulation {

  /**
   * Round metric: the run's virtual time, in seconds, when the round ended (see {@link
   * SimulationConfig#clientSpeeds()}).
   */
  public static final String VIRTUAL_SECONDS = "virtual_seconds";

  private final SimulationConfig config;
  private final SimulationProgress progress;
  private int firstRound = 1;
  private Parameters startModel;
  private RoundHook hook = r -> {};
  private UnaryOperator<Strategy> strategyWrapper = UnaryOperator.identity();
  private Map<String, float[]> startState = Map.of();
  private volatile Strategy running;
  private int workers = 1;
  /** HeteroFL: each client's width, each width's runtime (1: the full model's), the test set. */
  private final Map<String, Double> clientWidths = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Double, DjlRuntime> widthRuntimes = new java.util.concurrent.ConcurrentHashMap<>();
  private final ImageDataset[] widthTest = new ImageDataset[1];

  /** Hears every finished round, after its row is in {@code metrics.csv} (e.g. to checkpoint). */
  @FunctionalInterface
  public interface RoundHook {

    /**
     * A round finished.
     *
     * @param result the round, with the global model after it
     * @throws IOException to stop the run
     */
    void roundDone(RoundResult result) throws IOException;
  }

  /** A simulation of the given settings, reporting to {@code progress}. */
  public Simulation(SimulationConfig config, SimulationProgress progress) {
    this.config = config;
    this.progress = progress == null ? SimulationProgress.NONE : progress;
  }

  /**
   * Continues an earlier run: the rounds after {@code lastRound} are run, starting from {@code
   * global} (the global model after {@code lastRound}). Server-side strategy state (e.g. FedAdam's
   * moments) starts afresh unless given to {@link #resumeAfter(int, Parameters, Map)}; clients'
   * personal layers start afresh.
   *
   * @param lastRound the last round already done, {@code 0..rounds}
   * @param global the global model after that round, or null for the initial model (strategies
   *     without a global model, such as local-only)
   * @return this simulation
   * @throws IllegalArgumentException for a round out of range
   */
  public Simulation resumeAfter(int lastRound, Parameters global) {
    if (lastRound < 0 || lastRound > config.rounds()) {
      throw new IllegalArgumentException(
          "resume round must be in [0, " + config.rounds() + "], got " + lastRound);
    }
    this.firstRound = lastRound + 1;
    this.startModel = global;
    return this;
  }

  /**
   * As {@link #resumeAfter(int, Parameters)}, with the strategy's server-side state after {@code
   * lastRound} (from {@link #strategyState()} then).
   *
   * @param lastRound the last round already done
   * @param global the global model after that round, or null
   * @param strategyState the strategy's state after that round (empty: none)
   * @return this simulation
   */
  public Simulation resumeAfter(
      int lastRound, Parameters global, Map<String, float[]> strategyState) {
    resumeAfter(lastRound, global);
    this.startState = Map.copyOf(strategyState);
    return this;
  }

  /**
   * The running strategy's server-side state ({@link Strategy#state()}), e.g. from a {@link
   * RoundHook} to save it with a checkpoint; empty before the run starts.
   *
   * @return the state's buffers, by name
   */
  public Map<String, float[]> strategyState() {
    Strategy s = running;
    return s == null ? Map.of() : s.state();
  }

  /**
   * Sets what hears every finished round.
   *
   * @param roundHook called after each round
   * @return this simulation
   */
  public Simulation onRound(RoundHook roundHook) {
    this.hook = roundHook == null ? r -> {} : roundHook;
    return this;
  }

  /**
   * Wraps the configured strategy (e.g. to evaluate only every k rounds).
   *
   * @param wrapper gets the strategy made from the config and returns the one to run
   * @return this simulation
   */
  public Simulation wrapStrategy(UnaryOperator<Strategy> wrapper) {
    this.strategyWrapper = wrapper == null ? UnaryOperator.identity() : wrapper;
    return this;
  }

  /**
   * Trains the clients in {@code n} worker processes ({@link SimWorker}) instead of in this one;
   * 1 (the default) trains them here, one after another; 0 chooses ({@link #autoWorkers}).
   * Asynchronous strategies (their virtual clock calls one client at a time) always train here.
   * The results are the same for any {@code n} with the same PyTorch threads per process: updates
   * are folded in the clients' order. The {@code threads} setting is the simulation's total; each
   * worker gets its share (at least 1).
   *
   * @param n worker processes (>= 0)
   * @return this
   */
  public Simulation workers(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("workers: must be >= 0, got " + n);
    }
    this.workers = n;
    return this;
  }

  /** Training images per round below which workers do not pay for their start (a few seconds). */
  static final long WORKER_MIN_IMAGES = 20_000;

  /**
   * The worker processes to use when not told: one per core, no more than the clients trained at
   * once; 1 on a single core or for a round of fewer than {@value #WORKER_MIN_IMAGES} training
   * images (starting a worker JVM with its engine and data costs seconds).
   *
   * @param cores usable cores
   * @param clientsPerRound clients trained in a round
   * @param imagesPerRound images trained in a round, all clients and local epochs together
   * @return workers (>= 1)
   */
  static int autoWorkers(int cores, int clientsPerRound, long imagesPerRound) {
    if (imagesPerRound < WORKER_MIN_IMAGES) {
      return 1;
    }
    return Math.max(1, Math.min(cores, clientsPerRound));
  }

  /** Creates the strategy, validating its options (so bad options fail before any work). */
  static Strategy strategy(SimulationConfig c) {
    int perRound = (int) Math.max(1, Math.ceil(c.fraction() * c.clients()));
    return Strategies.create(c.strategy(), c.strategyOptions(), c.settings().strategySettings(perRound));
  }

  /**
   * Runs the simulation.
   *
   * @return the per-round numbers and where the run folder is
   * @throws IOException when data or the run folder cannot be read or written
   * @throws IllegalArgumentException for bad settings, naming the setting and value
   */
  public SimulationReport run() throws IOException {
    long t0 = System.nanoTime();
    Map<String, Integer> localSizes = new java.util.concurrent.ConcurrentHashMap<>();
    Strategy base = strategyWrapper.apply(strategy(config));
    Widths widths = config.settings().widthSettings();
    if (widths != null) {
      base = new HeteroFl(base, widths.distinct(), c -> clientWidths.getOrDefault(c.id(), 1.0),
          w -> widthRuntimes.get(w).layout(),
          (w, p) -> widthRuntimes.get(w).evaluate(p, widthTest[0], 256));
    }
    Strategy strategy = base;
    if (base instanceof AsyncStrategy && config.settings().roundDeadline() != null
        && !config.settings().deadlineSized()) {
      throw new IllegalArgumentException("round-deadline: closes the rounds of synchronous "
          + "strategies; '" + base.name() + "' is asynchronous (it has no rounds to close)");
    }
    if (config.settings().deadlineSized()) {
      if (base instanceof AsyncStrategy) {
        throw new IllegalArgumentException("local-work: deadline sizes the rounds of synchronous "
            + "strategies; '" + base.name() + "' is asynchronous (its devices never wait)");
      }
      List<Double> speeds = config.clientSpeeds();
      strategy = new LocalWork(base,
          config.settings().roundDeadline().toMillis() / 1000.0,
          config.settings().minLocalSteps(), config.settings().batchSize(),
          config.localEpochs(),
          id -> speeds.get(clientIndex(id) % speeds.size()) * RunSettings.IMAGES_PER_SECOND,
          id -> localSizes.getOrDefault(id, 0));
      progress.info(String.format(Locale.ROOT, "local work: sized to a %.1f s virtual deadline "
          + "(at least %d steps), combined by %s", config.settings().roundDeadline().toMillis()
          / 1000.0, config.settings().minLocalSteps(), base.name()));
    }
    return run(strategy, localSizes, t0);
  }

  private SimulationReport run(Strategy strategy, Map<String, Integer> localSizes, long t0)
      throws IOException {
    if (!startState.isEmpty()) {
      strategy.restoreState(startState);
    }
    running = strategy;
    Partitioner partitioner = config.reid() ? null : Partitioner.parse(config.partition());
    if (config.reid()) {
      ReidTask.check(config);
    } else {
      Datasets.checkName(config.dataset());
    }
    if (!Models.isKnown(config.model())) {
      throw new IllegalArgumentException("unknown model '" + config.model() + "'; known models: "
          + String.join(", ", Models.NAMES));
    }

    boolean realReid = config.reid() && ReidTask.real(config.dataset());
    DataSplit split = realReid ? null : Datasets.load(config.dataset(), config.dataDir());
    ReidTask reid = realReid ? ReidTask.loadReal(config)
        : config.reid() ? ReidTask.load(config, split) : null;
    ImageDataset train = reid != null ? reid.train()
        : config.trainLimit() > 0 ? split.train().head(config.trainLimit()) : split.train();
    ImageDataset test = realReid ? reid.test()
        : config.testLimit() > 0 ? split.test().head(config.testLimit()) : split.test();
    if (config.clients() > train.size()) {
      throw new IllegalArgumentException("clients (" + config.clients() + ") is more than the "
          + train.size() + " training images of " + config.dataset());
    }
    progress.info(String.format(Locale.ROOT, "data: %s: %d training and %d test images, %dx%dx%d, "
        + "%d classes", config.dataset(), train.size(), test.size(), train.channels(),
        train.height(), train.width(), train.numClasses()));
    if (reid != null) {
      progress.info(reid.describe());
    }

    Partition partition = reid != null
        ? reid.partition(config.partition(), config.clients(), config.seed())
        : partitioner.partition(train.labels(), train.numClasses(), config.clients(), config.seed());
    progress.info("partition " + config.partition() + " over " + config.clients() + " clients "
        + "(label:count per client):");
    progress.info(partition.histogramText(train.labels(), train.numClasses()));

    Path folder = config.out();
    Files.createDirectories(folder);
    new ObjectMapper(new YAMLFactory()).writeValue(folder.resolve("config.yaml").toFile(),
        config.toMap());
    partition.save(folder.resolve("partition.json"));
    MetricsCsv csv = new MetricsCsv(folder.resolve("metrics.csv"), reid != null,
        MetricsCsv.extraColumns(config.settings()));
    Files.deleteIfExists(csv.file());

    List<MetricsCsv.Row> rows = new ArrayList<>();
    List<TimePoint> timeline = new ArrayList<>();
    int perRound = (int) Math.max(1, Math.ceil(config.fraction() * config.clients()));
    // worker processes train classification clients; asynchronous strategies and re-ID runs
    // (whose clients evaluate by retrieval) train in this process
    Widths widths = config.settings().widthSettings();
    int nWorkers = strategy instanceof AsyncStrategy || reid != null || widths != null ? 1
        : Math.min(config.clients(), workers > 0 ? workers
            : autoWorkers(Runtime.getRuntime().availableProcessors(), perRound,
                Math.round(train.size() * config.fraction()) * config.localEpochs()));
    int threads = nWorkers == 1 ? config.threads()
        : Math.max(1, (config.threads() > 0 ? config.threads()
            : Runtime.getRuntime().availableProcessors()) / nWorkers);
    if (config.fleet() != null && config.fleet().hasAvailability()
        && strategy instanceof AsyncStrategy) {
      throw new IllegalArgumentException("fleet: availability periods are simulated for "
          + "synchronous strategies only; '" + strategy.name() + "' is asynchronous");
    }
    WorkerPool pool = null;
    FleetTally fleetTally = null;
    try (DjlRuntime runtime = reid != null
        ? reid.runtime(config.model(), config.seed(), threads)
        : DjlRuntime.create(config.model(), train.channels(), train.height(),
        train.width(), train.numClasses(), config.seed(), threads)) {
      ReidEvaluation retrieval = reid != null ? reid.evaluation(runtime) : null;
      progress.info(String.format(Locale.ROOT, "model: %s, %,d parameters; strategy: %s %s",
          runtime.network().name(), runtime.layout().totalSize(), strategy.name(),
          config.strategyOptions().isEmpty() ? "" : config.strategyOptions()));
      ImageDataset clientTest = test.head(Math.max(1, config.clientTestLimit()));
      List<DjlRuntime> narrow = new ArrayList<>();
      if (widths != null) {
        widthTest[0] = test;
        widthRuntimes.put(1.0, runtime);
        for (double w : widths.distinct()) {
          if (w < 1) {
            DjlRuntime rt = DjlRuntime.create(Models.widthName(config.model(), w),
                train.channels(), train.height(), train.width(), train.numClasses(),
                config.seed(), threads);
            narrow.add(rt);
            widthRuntimes.put(w, rt);
          }
        }
        double fastest = config.clientSpeeds().stream().mapToDouble(Double::doubleValue).max()
            .orElse(1);
        for (int i = 0; i < config.clients(); i++) {
          double w = widths.of(i,
              config.fleet() == null ? 0 : config.fleet().classOf(i).memoryBytes(),
              config.clientSpeeds().get(i % config.clientSpeeds().size()), fastest,
              x -> widthRuntimes.get(x).layout().totalSize());
          clientWidths.put(String.format(Locale.ROOT, "client-%03d", i), w);
        }
        Map<String, Long> count = new java.util.TreeMap<>();
        clientWidths.values().forEach(w -> count.merge(w == 0 ? "none" : HeteroFl.label(w), 1L,
            Long::sum));
        progress.info("HeteroFL widths " + widths.text() + ": clients by width " + count
            + "; submodel parameters " + widths.distinct().stream().map(w -> HeteroFl.label(w)
            + ": " + String.format(Locale.ROOT, "%,d", widthRuntimes.get(w).layout().totalSize()))
            .toList());
      }
      if (nWorkers > 1) {
        List<int[]> indices = new ArrayList<>();
        for (int i = 0; i < config.clients(); i++) {
          indices.add(partition.indices(i));
        }
        pool = WorkerPool.start(nWorkers, new WorkerPool.Setup(config.dataset(), config.dataDir(),
            config.trainLimit(), config.testLimit(), config.clientTestLimit(), config.model(),
            config.seed(), threads), indices, runtime.layout());
        progress.info(String.format(Locale.ROOT, "training in %d worker processes, %d PyTorch "
            + "thread%s each", nWorkers, threads, threads == 1 ? "" : "s"));
      }
      boolean async = strategy instanceof AsyncStrategy;
      // a synchronous round closes at the round deadline, if one is set: later devices are dropped
      double closeAt = async || config.settings().roundDeadline() == null
          ? Double.POSITIVE_INFINITY : config.settings().roundDeadline().toMillis() / 1000.0;
      List<String> late = new ArrayList<>();
      List<ClientProxy> clients = new ArrayList<>();
      Map<String, Double> taskSeconds = new HashMap<>();
      Map<String, Integer> localSteps = new HashMap<>();
      int[] roundSteps = {0, 0};
      List<Map<String, Integer>> taskSteps = new ArrayList<>(List.of(Map.of()));
      for (int i = 0; i < config.clients(); i++) {
        ImageDataset local = train.subset(
            train.name() + "/client-" + i, partition.indices(i));
        String id = String.format(Locale.ROOT, "client-%03d", i);
        double w = clientWidths.getOrDefault(id, 1.0);
        DjlRuntime own = w > 0 && w < 1 ? widthRuntimes.get(w) : runtime;
        ClientProxy client = pool != null ? pool.client(i, id)
            : new InProcessClient(id, retrieval != null
                ? DjlLocalTrainer.reid(runtime, local, retrieval, i)
                : own.trainer(local, clientTest, i));
        // a submodel's task takes its share of the full model's computation (its parameters')
        double seconds = config.taskSeconds(i, local.size())
            * ((double) own.layout().totalSize() / runtime.layout().totalSize());
        if (seconds > closeAt) {
          client = new LateClient(client, seconds, closeAt);
          late.add(String.format(Locale.ROOT, "%s (%.1f s)", id, seconds));
        }
        clients.add(client);
        taskSeconds.put(id, seconds);
        localSizes.put(id, local.size());
        localSteps.put(id, config.settings().localSteps(i, local.size()));
      }
      if (!late.isEmpty()) {
        progress.info(String.format(Locale.ROOT, "round deadline %.1f virtual s: %d device%s "
            + "need%s longer and %s dropped whenever selected: %s", closeAt, late.size(),
            late.size() == 1 ? "" : "s", late.size() == 1 ? "s" : "", late.size() == 1 ? "is"
            : "are", String.join(", ", late)));
      }
      // virtual time: an asynchronous strategy's clock, or the sum of the synchronous rounds'
      // slowest clients (at most the round deadline)
      FleetProfile fleet = config.fleet();
      int[] sizes = new int[config.clients()];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = partition.indices(i).length;
      }
      FleetTally tally = fleet == null ? null : new FleetTally(fleet, sizes);
      fleetTally = tally;
      VirtualClock clock = new VirtualClock(c -> taskSeconds.get(c.id()));
      double[] syncTime = {0};
      boolean globalModel = !Boolean.FALSE.equals(strategy.provenance().get("global_model"))
          && !strategy.name().equals("local-only");
      AtomicInteger done = new AtomicInteger();
      AtomicInteger selected = new AtomicInteger();
      RoundListener listener = new RoundListener() {
        @Override
        public void roundStarted(int round, List<String> ids) {
          done.set(0);
          // an asynchronous step ends after its buffer's updates, whoever is still training
          if (strategy instanceof AsyncStrategy a) {
            selected.set(Math.min(ids.size(), a.bufferSize(config.clients())));
          } else {
            selected.set(ids.size());
            syncTime[0] += ids.stream().mapToDouble(id -> Math.min(taskSeconds.get(id), closeAt))
                .max().orElse(0);
          }
          roundSteps[0] = ids.stream().mapToInt(localSteps::get).min().orElse(0);
          roundSteps[1] = ids.stream().mapToInt(localSteps::get).max().orElse(0);
          Map<String, Integer> each = new java.util.TreeMap<>();
          ids.forEach(id -> each.put(id, localSteps.get(id)));
          taskSteps.set(0, each);
          if (tally != null) {
            ids.forEach(id -> tally.selected(clientIndex(id)));
          }
          progress.roundStarted(round, config.rounds(), ids.size());
        }

        @Override
        public void clientSucceeded(int round, String clientId, int n) {
          if (tally != null) {
            tally.updated(clientIndex(clientId));
          }
          progress.clientDone(round, config.rounds(), done.incrementAndGet(), selected.get());
        }

        @Override
        public void clientFailed(int round, dev.fedge.api.ClientFailure f) {
          if (!f.reason().startsWith(LateClient.LATE)) { // the late ones were named at the start
            progress.info("  " + f.clientId() + " failed: " + f.reason());
          }
          progress.clientDone(round, config.rounds(), done.incrementAndGet(), selected.get());
        }
      };
      if (startModel != null && !startModel.layout().equals(runtime.layout())) {
        throw new IllegalArgumentException("resume model: " + startModel.size() + " values in "
            + startModel.layout().count() + " tensors do not fit model '" + config.model()
            + "' (" + runtime.layout().totalSize() + " values)");
      }
      Parameters global = strategy.initializeParameters(
          startModel != null ? startModel : runtime.initialParameters());
      try (RoundLoop coordinator = RoundLoop.create(strategy, pool != null
          ? CoordinatorSettings.simulation(nWorkers) : CoordinatorSettings.simulation(),
          fleet != null && fleet.hasAvailability()
              ? () -> online(clients, fleet, syncTime[0]) : ClientPool.of(clients),
          !globalModel ? null : retrieval != null ? (round, g) -> retrieval.evaluate(g, 256)
              : (round, g) -> runtime.evaluate(g, test, 256), listener, clock)) {
        for (int round = firstRound; round <= config.rounds(); round++) {
          if (fleet != null && fleet.hasAvailability()) {
            // nobody online: the round starts when the first device comes back
            syncTime[0] = fleet.nextAvailable(syncTime[0]);
          }
          RoundResult r = coordinator.runRound(round, global);
          double now = async ? clock.now() : syncTime[0];
          r = withVirtualTime(r, now);
          timeline.add(new TimePoint(r.round(), now, roundSteps[0], roundSteps[1],
              taskSteps.get(0), r.accuracy()));
          global = r.global();
          csv.append(r);
          progress.roundFinished(r, config.rounds());
          hook.roundDone(r);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("simulation interrupted", e);
      }
      rows.addAll(csv.read());
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("strategy", strategy.provenance());
      provenance.putAll(ModelProvenance.input(train));
      provenance.put("config", config.toMap());
      provenance.put("seed", config.seed());
      provenance.put("rounds", config.rounds());
      if (!rows.isEmpty()) {
        MetricsCsv.Row last = rows.get(rows.size() - 1);
        provenance.put("metrics", reid != null ? last.reid()
            : Map.of("accuracy", last.accuracy(), "loss", last.loss()));
      }
      if (reid != null) {
        provenance.put("task", Map.of("name", "reid", "model", runtime.network().name(),
            "embedding_dim", ReidTask.EMBEDDING_DIM, "evaluation", reid.describe()));
      }
      if (widths != null) {
        provenance.put("widths", Map.of("setting", widths.text(), "widths", widths.distinct(),
            "clients", new java.util.TreeMap<>(clientWidths)));
      }
      ModelStore.writeFolder(folder, new ModelKey("sim", safe(config.name()), config.rounds()),
          global, provenance);
      narrow.forEach(DjlRuntime::close);
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
    if (reid != null) {
      ReidTask.plot(config.name(), config.dataset(), rows, folder.resolve("retrieval.svg"));
    } else {
      plot(rows, folder.resolve("accuracy.svg"));
    }
    writeTimeline(timeline, folder);
    if (fleetTally != null) {
      fleetTally.write(folder.resolve("fleet.csv"));
      progress.info(fleetTally.summary());
    }
    return new SimulationReport(config, rows, folder, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * A simulated device that cannot finish before the round closes: its task is dropped, as a
   * server drops a late device, without training it (its update would be thrown away).
   */
  private record LateClient(ClientProxy inner, double seconds, double deadline)
      implements ClientProxy {
    static final String LATE = "late: ";

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public dev.fedge.api.FitRes fit(dev.fedge.api.FitIns ins)
        throws dev.fedge.api.ClientException {
      throw new dev.fedge.api.ClientException(String.format(Locale.ROOT,
          LATE + "needs %.1f virtual s, the round closes at %.1f s", seconds, deadline));
    }

    @Override
    public dev.fedge.api.EvaluateRes evaluate(dev.fedge.api.EvaluateIns ins)
        throws dev.fedge.api.ClientException {
      return inner.evaluate(ins);
    }
  }

  /** A round's end on the virtual clock, and the accuracy it reached. */
  private record TimePoint(int round, double seconds, int stepsMin, int stepsMax,
      Map<String, Integer> steps, double accuracy) {}

  /** The index of a simulated client from its id ({@code client-007}: 7). */
  private static int clientIndex(String id) {
    return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
  }

  /** The clients online at a virtual time, in client order. */
  private static List<ClientProxy> online(List<ClientProxy> clients, FleetProfile fleet,
      double seconds) {
    List<ClientProxy> on = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      if (fleet.available(i, seconds)) {
        on.add(clients.get(i));
      }
    }
    return on;
  }

  /** The round with metric {@value #VIRTUAL_SECONDS}. */
  private static RoundResult withVirtualTime(RoundResult r, double seconds) {
    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
    m.put(VIRTUAL_SECONDS, seconds);
    return new RoundResult(r.round(), r.completed(), r.global(), m, r.central(), r.clientEval(),
        r.participants(), r.failures(), r.duration());
  }

  /**
   * Writes {@code timeline.csv} (round, virtual seconds at its end, accuracy) and, when the devices
   * differ in speed, {@code accuracy-time.svg}: accuracy against virtual time.
   */
  private void writeTimeline(List<TimePoint> timeline, Path folder) throws IOException {
    TimelineCsv.write(folder.resolve("timeline.csv"), timeline.stream()
        .map(t -> new TimelineCsv.Point(t.round(), t.seconds(), t.stepsMin(), t.stepsMax(),
            t.steps(), t.accuracy())).toList());
    if (config.heterogeneous() && !timeline.isEmpty()) {
      new SvgPlot(config.name() + ": test accuracy over virtual time (client speeds "
          + config.clientSpeeds() + ")", "virtual seconds", "accuracy")
          .yRange(0, 1)
          .add(new SvgPlot.Series("accuracy",
              timeline.stream().mapToDouble(TimePoint::seconds).toArray(),
              timeline.stream().mapToDouble(TimePoint::accuracy).toArray()))
          .write(folder.resolve("accuracy-time.svg"));
    }
  }

  private void plot(List<MetricsCsv.Row> rows, Path file) throws IOException {
    double[] x = rows.stream().mapToDouble(MetricsCsv.Row::round).toArray();
    double[] acc = rows.stream().mapToDouble(MetricsCsv.Row::accuracy).toArray();
    double[] loss = rows.stream().mapToDouble(MetricsCsv.Row::loss).toArray();
    double maxLoss = 0;
    for (double l : loss) {
      if (Double.isFinite(l)) {
        maxLoss = Math.max(maxLoss, l);
      }
    }
    double[] lossScaled = new double[loss.length];
    for (int i = 0; i < loss.length; i++) {
      lossScaled[i] = maxLoss > 0 ? loss[i] / maxLoss : loss[i];
    }
    new SvgPlot(config.name() + ": test accuracy per round", "round", "accuracy")
        .yRange(0, 1)
        .add(new SvgPlot.Series("accuracy", x, acc))
        .add(new SvgPlot.Series(String.format(Locale.ROOT, "loss / %.2f", maxLoss), x,
            lossScaled))
        .write(file);
  }

  private static String safe(String s) {
    String r = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return r.isEmpty() || !Character.isLetterOrDigit(r.charAt(0)) ? "run" + r : r;
  }
}

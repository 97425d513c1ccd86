package dev.fedge.server;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.server.net.ClientRegistry;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSettingsBinder;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.RoundRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelProvenance;
import dev.fedge.server.store.ModelStore;
import dev.fedge.server.store.StrategyStateFile;
import dev.fedge.strategy.Strategies;
import dev.fedge.transport.TransportServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The long-running federation server: serves the network protocol, and runs runs. A run waits
 * for its minimum number of clients, runs its rounds through the {@link Coordinator}, and after
 * each completed round saves the global model in the {@link ModelStore} ({@code
 * <state-dir>/models/<group>/<project>/<round>/}), then records the round, its participants and
 * metrics in SQLite in one transaction, then appends to {@code <state-dir>/runs/<run>/metrics.csv}.
 *
 * <p>A server killed at any moment and started again on the same state directory resumes its
 * unfinished run after the last recorded round, from that round's saved model: a round whose
 * model was written but not recorded is run again (its folder is replaced), so no completed round
 * is lost and none is counted twice. Clients reconnect by themselves; their credentials are in the
 * state file.
 *
 * <p>Strategies that keep server-side state between rounds (FedAvgM's momentum, FedAdam's
 * moments) have it saved after every round, before the round is recorded, as {@code
 * <state-dir>/strategy-state/<run>/round-<n>.safetensors}; a resumed run restores the state of the
 * round it resumes after, so the optimiser goes on as if the server had never stopped. Older
 * rounds' files are deleted once a newer round is recorded.
 */
public final class FederationServer implements AutoCloseable {

  /**
   * Decoded client results held at once while the coordinator aggregates: later uploads wait
   * (already received and checked, not yet decoded), so memory does not grow with the number of
   * clients.
   */
  static final int RESULTS_IN_MEMORY = 2;

  /** File name of the SQLite state inside the state directory. */
  public static final String STATE_FILE = StateStore.FILE_NAME;

  /**
   * Where and how the server runs.
   *
   * @param stateDir holds the SQLite file, {@code models/} and {@code runs/}
   * @param bindAddress address to listen on
   * @param port TCP port (0: any free one)
   * @param tlsCert PEM certificate, or null for plaintext
   * @param tlsKey PEM private key (PKCS#8), or null for plaintext
   * @param enrollToken token clients must present, or null to accept loopback clients only
   * @param heartbeatInterval how often clients heartbeat
   * @param heartbeatTimeout silence after which a client counts as gone
   * @param maxConcurrentUploads uploads assembled in memory at once
   * @param parallelism client calls in flight at once per round
   */
  public record Settings(
      Path stateDir,
      String bindAddress,
      int port,
      Path tlsCert,
      Path tlsKey,
      String enrollToken,
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      int maxConcurrentUploads,
      int parallelism) {

    /** Validates. */
    public Settings {
      if (stateDir == null) {
        throw new IllegalArgumentException("state-dir must be given");
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
      }
      new TransportServer.Options(bindAddress, port, tlsCert, tlsKey, maxConcurrentUploads);
      new ClientRegistry.Settings(enrollToken, heartbeatInterval, heartbeatTimeout);
    }

    /** Plaintext on loopback, defaults for everything else. */
    public static Settings local(Path stateDir, int port) {
      return new Settings(stateDir, "127.0.0.1", port, null, null, null, Duration.ofSeconds(2),
          Duration.ofSeconds(10), 4, 256);
    }
  }

  /** Makes what a run needs from its spec (on start and again on resume). */
  @FunctionalInterface
  public interface RunFactory {
    /**
     * Builds a run's strategy, initial model and evaluator.
     *
     * @param spec the run
     * @return what it needs; closed when the run ends
     * @throws IOException when data cannot be read
     */
    RunSetup create(RunSpec spec) throws IOException;
  }

  /**
   * What a run needs.
   *
   * @param strategy the algorithm
   * @param initial the freshly initialised model (its layout is the run's)
   * @param evaluator central evaluation, or null
   * @param resources closed when the run ends, or null
   * @param input model provenance that says how to feed the model ({@link ModelProvenance#input}), or
   *     empty
   */
  public record RunSetup(
      Strategy strategy,
      Parameters initial,
      CentralEvaluator evaluator,
      AutoCloseable resources,
      Map<String, Object> input)
      implements AutoCloseable {

    /** Copies {@code input} (null: none). */
    public RunSetup {
      input = input == null ? Map.of() : Map.copyOf(input);
    }

    /** A setup without input description. */
    public RunSetup(
        Strategy strategy, Parameters initial, CentralEvaluator evaluator,
        AutoCloseable resources) {
      this(strategy, initial, evaluator, resources, Map.of());
    }

    @Override
    public void close() throws IOException {
      if (resources != null) {
        try {
          resources.close();
        } catch (IOException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      }
    }
  }

  private final Settings settings;
  private final RunFactory factory;
  private final Consumer<String> log;
  private final StateStore state;
  private final ModelStore models;
  private final ClientRegistry registry;
  private final TransportServer transport;

  private FederationServer(
      Settings settings, RunFactory factory, Consumer<String> log, StateStore state,
      ClientRegistry registry, TransportServer transport) {
    this.settings = settings;
    this.factory = factory;
    this.log = log;
    this.state = state;
    this.models = new ModelStore(settings.stateDir().resolve("models"));
    this.registry = registry;
    this.transport = transport;
  }

  /**
   * Opens the state directory and starts serving.
   *
   * @param settings where and how
   * @param factory makes runs from their specs
   * @param log receives one line per notable thing
   * @return the running server
   * @throws IOException when the port cannot be bound or the state directory cannot be used
   */
  public static FederationServer start(
      Settings settings, RunFactory factory, Consumer<String> log) throws IOException {
    Consumer<String> out = log == null ? s -> {} : log;
    Files.createDirectories(settings.stateDir());
    StateStore state = StateStore.open(settings.stateDir().resolve(STATE_FILE));
    ClientRegistry registry = null;
    try {
      registry = new ClientRegistry(
          new ClientRegistry.Settings(settings.enrollToken(), settings.heartbeatInterval(),
              settings.heartbeatTimeout()),
          state, out);
      registry.limitResultsInMemory(RESULTS_IN_MEMORY);
      TransportServer transport = TransportServer.start(registry,
          new TransportServer.Options(settings.bindAddress(), settings.port(), settings.tlsCert(),
              settings.tlsKey(), settings.maxConcurrentUploads()));
      return new FederationServer(settings, factory, out, state, registry, transport);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      state.close();
      throw e;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return transport.port();
  }

  /** The connected devices. */
  public ClientRegistry registry() {
    return registry;
  }

  /** The state file. */
  public StateStore state() {
    return state;
  }

  /** The model store under the state directory. */
  public ModelStore models() {
    return models;
  }

  /** The metrics file of a run. */
  public Path metricsFile(String runId) {
    return settings.stateDir().resolve("runs").resolve(runId).resolve("metrics.csv");
  }

  /** The run that a crash interrupted, if any. */
  public Optional<RunRecord> unfinishedRun() {
    return state.unfinishedRun();
  }

  /**
   * Runs a run to its end: a new one, or the rest of an unfinished one with this id (the stored
   * spec wins).
   *
   * @param spec the run
   * @return the run as stored at the end
   * @throws IllegalArgumentException when a finished run has this id
   * @throws IOException when a model cannot be saved or loaded
   * @throws InterruptedException when the server is stopped
   */
  public RunRecord run(RunSpec spec) throws IOException, InterruptedException {
    RunRecord rec = state.run(spec.id()).orElse(null);
    if (rec != null && !rec.unfinished()) {
      throw new IllegalArgumentException("run '" + spec.id() + "' already " + rec.status()
          + " in " + settings.stateDir() + "; choose another run name");
    }
    boolean resumed = rec != null;
    if (rec == null) {
      rec = state.createRun(spec);
    }
    RunSpec run = rec.spec();
    registry.setRun(run.id(), run.codec());
    int done = rec.completedRounds();
    if (resumed) {
      String line = "resuming run '" + run.id() + "' after round " + done + " of " + run.rounds();
      state.event(EventRecord.RUN_RESUMED, run.id(), done, null, line);
      log.accept(line);
    } else {
      String line = "run '" + run.id() + "' started: " + run.rounds() + " rounds, "
          + run.setting("strategy", "fedavg") + ", codec " + run.codec() + ", models in "
          + models.root().resolve(run.group()).resolve(run.project());
      state.event(EventRecord.RUN_STARTED, run.id(), null, null, line);
      log.accept(line);
    }
    try (RunSetup setup = factory.create(run)) {
      Parameters global = startModel(run, setup, done);
      if (resumed && done > 0) {
        restoreStrategyState(run, setup.strategy(), done);
      }
      MetricsCsv csv = rewriteCsv(run.id());
      Map<String, Integer> examples = new ConcurrentHashMap<>();
      RoundListener listener = listener(run, examples);
      CoordinatorSettings cs = new CoordinatorSettings(run.roundTimeout(), run.minResults(),
          settings.parallelism());
      try (RoundLoop coordinator =
          RoundLoop.create(setup.strategy(), cs, registry, setup.evaluator(), listener)) {
        int round = done + 1;
        while (round <= run.rounds()) {
          awaitClients(run);
          examples.clear();
          RoundResult r;
          long sent0 = registry.bytesSent();
          long received0 = registry.bytesReceived();
          try {
            r = coordinator.runRound(round, global);
          } finally {
            registry.releaseResults();
          }
          r = withBytes(r, registry.bytesSent() - sent0, registry.bytesReceived() - received0);
          if (!r.completed()) {
            String line = String.format(Locale.ROOT,
                "round %d incomplete: %d results, %d needed; running it again", round,
                r.participants().size(), run.minResults());
            state.event(EventRecord.ROUND_INCOMPLETE, run.id(), round, null, line);
            log.accept(line);
            Thread.sleep(500);
            continue;
          }
          saveRound(run, setup, r, examples);
          csv.append(r);
          global = r.global();
          round++;
        }
      }
    }
    state.setStatus(run.id(), RunRecord.FINISHED);
    String line = "run '" + run.id() + "' finished: " + run.rounds() + " rounds";
    state.event(EventRecord.RUN_FINISHED, run.id(), run.rounds(), null, line);
    log.accept(line);
    return state.run(run.id()).orElseThrow();
  }

  /** The model the next round starts from: the last completed round's, or the initial one. */
  private Parameters startModel(RunSpec run, RunSetup setup, int done) throws IOException {
    ModelKey key = run.modelKey(done);
    if (done == 0 && !models.rounds(run.group(), run.project()).contains(0)) {
      Parameters initial = setup.strategy().initializeParameters(setup.initial());
      Map<String, Object> provenance = provenance(run, setup);
      provenance.put("round", 0);
      models.save(key, initial, provenance);
      return initial;
    }
    Parameters p = models.load(key);
    if (!p.layout().equals(setup.initial().layout())) {
      throw new IllegalStateException("model " + key + " in " + models.root()
          + " does not have the layout of run '" + run.id() + "'s model");
    }
    return p;
  }

  /**
   * Where a run's strategy state after a round is kept.
   *
   * @param runId the run
   * @param round the round
   * @return the file (it may not exist)
   */
  public Path strategyStateFile(String runId, int round) {
    return strategyStates(runId).file(round);
  }

  private StrategyStateFile.Series strategyStates(String runId) {
    return new StrategyStateFile.Series(
        settings.stateDir().resolve("strategy-state").resolve(runId), "round-");
  }

  /** Gives a resumed run's strategy the state saved after the round it resumes after, if any. */
  private void restoreStrategyState(RunSpec run, Strategy strategy, int done) throws IOException {
    Path file = strategyStateFile(run.id(), done);
    if (!Files.exists(file)) {
      return;
    }
    String line;
    try {
      StrategyStateFile.Saved saved = StrategyStateFile.read(file);
      if (saved.round() != done) {
        throw new IllegalArgumentException(
            file.getFileName() + " holds the state of round " + saved.round() + ", not " + done);
      }
      strategy.restoreState(saved.buffers());
      line = strategy.name() + " state " + saved.buffers().keySet() + " restored from round "
          + done;
    } catch (IllegalArgumentException e) {
      line = "strategy state not restored (" + e.getMessage() + "); " + strategy.name()
          + "'s server-side state starts again from zero";
      state.event(EventRecord.RUN_RESUMED, run.id(), done, null, line);
    }
    log.accept(line);
  }

  private MetricsCsv rewriteCsv(String runId) throws IOException {
    MetricsCsv csv = new MetricsCsv(metricsFile(runId));
    Files.deleteIfExists(csv.file());
    for (RoundRecord r : state.rounds(runId)) {
      csv.append(new MetricsCsv.Row(r.round(), r.accuracy(), r.loss(), r.clientAccuracy(),
          r.clientLoss(), r.trainLoss(), r.participants(), r.failures(), r.seconds()));
    }
    return csv;
  }

  /** Round metrics: model bytes sent to and update bytes received from clients this round. */
  public static final String BYTES_SENT = "bytes_sent";

  /** See {@link #BYTES_SENT}. */
  public static final String BYTES_RECEIVED = "bytes_received";

  private static RoundResult withBytes(RoundResult r, long sent, long received) {
    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
    m.put(BYTES_SENT, (double) sent);
    m.put(BYTES_RECEIVED, (double) received);
    return new RoundResult(r.round(), r.completed(), r.global(), m, r.central(), r.clientEval(),
        r.participants(), r.failures(), r.duration());
  }

  private void saveRound(
      RunSpec run, RunSetup setup, RoundResult r, Map<String, Integer> examples)
      throws IOException {
    Strategy strategy = setup.strategy();
    Map<String, Object> provenance = provenance(run, setup);
    provenance.put("round", r.round());
    Map<String, Object> metrics = new LinkedHashMap<>(r.metrics());
    metrics.put("accuracy", r.accuracy());
    metrics.put("loss", r.loss());
    provenance.put("metrics", metrics);
    provenance.put("participants", r.participants());
    Map<String, Object> manifest = models.save(run.modelKey(r.round()), r.global(), provenance);
    Map<String, float[]> strategyState = strategy.state();
    if (!strategyState.isEmpty()) {
      StrategyStateFile.write(strategyStateFile(run.id(), r.round()), r.round(), strategyState);
    }
    state.completeRound(run, r, String.valueOf(manifest.get("sha256")), Map.copyOf(examples));
    strategyStates(run.id()).deleteExcept(r.round());
    log.accept(String.format(Locale.ROOT,
        "round %d/%d done: accuracy %s, loss %s, %d results, %d failures, %.1f s; model %s",
        r.round(), run.rounds(), fmt(r.accuracy()), fmt(r.loss()), r.participants().size(),
        r.failures().size(), r.duration().toMillis() / 1000.0, run.modelKey(r.round())));
  }

  private static String fmt(double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.4f", d);
  }

  private static Map<String, Object> provenance(RunSpec run, RunSetup setup) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("run", run.id());
    p.put("strategy", setup.strategy().provenance());
    p.putAll(setup.input());
    p.put("settings", run.settings());
    p.put("codec", run.codec());
    p.put("rounds", run.rounds());
    return p;
  }

  private void awaitClients(RunSpec run) throws InterruptedException {
    int n = run.minClients();
    while (!registry.awaitAvailable(n, Duration.ofSeconds(15))) {
      log.accept("waiting for " + n + " clients (" + registry.available().size()
          + " connected)");
    }
  }

  private RoundListener listener(RunSpec run, Map<String, Integer> examples) {
    return new RoundListener() {
      @Override
      public void roundStarted(int round, List<String> clientIds) {
        log.accept("round " + round + "/" + run.rounds() + " started: "
            + String.join(", ", clientIds));
      }

      @Override
      public void clientSucceeded(int round, String clientId, int numExamples) {
        registry.resultConsumed(clientId);
        examples.put(clientId, numExamples);
      }

      @Override
      public void clientFailed(int round, ClientFailure failure) {
        registry.resultConsumed(failure.clientId());
        String line = "round " + round + ": client " + failure.clientId() + " failed: "
            + failure.reason();
        state.event(EventRecord.FAILURE, run.id(), round, failure.clientId(), failure.reason());
        log.accept(line);
      }
    };
  }

  /** Stops serving and closes the state file. */
  @Override
  public void close() {
    try {
      registry.close();
      transport.close();
    } finally {
      state.close();
    }
  }

  // ---- the standard run factory ----------------------------------------------------------------

  /**
   * The setting keys read by {@link #standardRuns()}, with the server's defaults, as a spec keeps
   * them ({@link RunSpecs#STORED}). Strategy options are {@code strategy.<name>} entries (e.g.
   * {@code strategy.mu = 0.1}).
   */
  public static final Map<String, String> STANDARD_SETTINGS = RunSpecs.of(
      RunSettingsBinder.bind(RunSettingsBinder.Use.SERVER, Map.of())).settings();

  /**
   * Runs of a DJL model on an image data set: the data set gives the input shape and the central
   * test set, {@link Strategies} the strategy; the spec's settings are read as {@link RunSettings}
   * ({@link RunSpecs#settings}).
   *
   * @return the factory
   */
  public static RunFactory standardRuns() {
    return spec -> {
      RunSettings s = RunSpecs.settings(spec);
      DataSplit split = Datasets.load(s.dataset(), s.dataPath());
      ImageDataset test = s.testLimit() > 0 ? split.test().head(s.testLimit()) : split.test();
      Strategy strategy = Strategies.create(s.strategy(), s.strategyOpts(),
          s.strategySettings(spec.minClients()));
      DjlRuntime runtime = DjlRuntime.create(s.model(), test.channels(), test.height(),
          test.width(), test.numClasses(), s.seed(), s.threads());
      boolean global = !Boolean.FALSE.equals(strategy.provenance().get("global_model"))
          && !strategy.name().equals("local-only");
      CentralEvaluator evaluator = global ? (round, g) -> runtime.evaluate(g, test, 256) : null;
      return new RunSetup(strategy, runtime.initialParameters(), evaluator, runtime,
          ModelProvenance.input(test));
    };
  }
}

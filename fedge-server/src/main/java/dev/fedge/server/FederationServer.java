package dev.fedge.server;

import dev.fedge.api.ClientFailure;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.server.net.ClientRegistry;
import dev.fedge.server.net.RemoteClient;
import dev.fedge.server.settings.Durations;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.DeviceSpeed;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateDb;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.ModelProvenance;
import dev.fedge.server.store.ModelStore;
import dev.fedge.strategy.LocalWork;
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
 * for its minimum number of clients, runs its rounds through the {@link Coordinator}, and commits
 * each completed round through its {@link RunJournal}: the global model into the {@link
 * ModelStore} ({@code <state-dir>/models/<group>/<project>/<round>/}), the strategy's server-side
 * state, the round's record in SQLite (the commit point), then {@code runs/<run>/metrics.csv}.
 *
 * <p>A server killed at any moment and started again on the same state directory resumes its
 * unfinished run after the last recorded round, from that round's saved model and strategy state;
 * no completed round is lost and none is counted twice ({@link RunJournal} says how). Clients
 * reconnect by themselves; their credentials are in the state file. At start the server refuses a
 * missing or empty state file beside stored models, and reports recorded rounds whose model is
 * missing ({@link #problems()}).
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
   * @param stateDb where the state database is (null: the SQLite file {@code
   *     <stateDir>/fedge.db}); models, metrics and strategy state stay in {@code stateDir}
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
      int parallelism,
      StateDb stateDb) {

    /** Validates, and puts the state database in {@code stateDir} when none is given. */
    public Settings {
      if (stateDir == null) {
        throw new IllegalArgumentException("state-dir must be given");
      }
      if (stateDb == null) {
        stateDb = StateDb.sqlite(stateDir.resolve(STATE_FILE));
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
      }
      new TransportServer.Options(bindAddress, port, tlsCert, tlsKey, maxConcurrentUploads);
      new ClientRegistry.Settings(enrollToken, heartbeatInterval, heartbeatTimeout);
    }

    /** Settings with the state database in {@code <stateDir>/fedge.db}. */
    public Settings(
        Path stateDir, String bindAddress, int port, Path tlsCert, Path tlsKey, String enrollToken,
        Duration heartbeatInterval, Duration heartbeatTimeout, int maxConcurrentUploads,
        int parallelism) {
      this(stateDir, bindAddress, port, tlsCert, tlsKey, enrollToken, heartbeatInterval,
          heartbeatTimeout, maxConcurrentUploads, parallelism, null);
    }

    /** The same settings with the state in another database. */
    public Settings withStateDb(StateDb db) {
      return new Settings(stateDir, bindAddress, port, tlsCert, tlsKey, enrollToken,
          heartbeatInterval, heartbeatTimeout, maxConcurrentUploads, parallelism, db);
    }

    /** Plaintext on loopback, defaults for everything else. */
    public static Settings local(Path stateDir, int port) {
      return new Settings(stateDir, "127.0.0.1", port, null, null, null, Duration.ofSeconds(2),
          Duration.ofSeconds(10), 4, 256);
    }
  }

  /**
   * The run's strategy wrapped in {@link LocalWork} when its local work is sized by the round
   * deadline: each device gets the steps that fit at its measured speed (a device not measured
   * yet gets {@code min-local-steps}, a probe task).
   */
  private RunSetup withLocalWork(RunSpec run, RunSetup setup) {
    RunSettings s = RunSpecs.settings(run);
    if (!s.deadlineSized()) {
      return setup;
    }
    LocalWork work = new LocalWork(setup.strategy(), s.roundDeadline().toMillis() / 1000.0,
        s.minLocalSteps(), s.batchSize(), s.localEpochs(), id -> registry.client(id)
            .map(RemoteClient::speed)
            .filter(DeviceSpeed::measured)
            .map(DeviceSpeed::imagesPerSecond)
            .orElse(Double.NaN), id -> 0);
    log.accept(String.format(Locale.ROOT, "run '%s': local work sized to a %s deadline (at "
        + "least %d steps) from each device's measured speed", run.id(),
        Durations.format(s.roundDeadline()), s.minLocalSteps()));
    return new RunSetup(work, setup.initial(), setup.evaluator(), setup.resources(),
        setup.input());
  }

  /**
   * When a round closes: at {@code round-timeout}, or, with deadline-sized local work, at the
   * round deadline and half of it again (for the model's transfer both ways and the clients'
   * start-up, which the measured training speed leaves out), whichever comes first. A client still
   * training then is dropped from the round, as a late client always is.
   */
  static Duration roundClose(RunSpec run) {
    RunSettings s = RunSpecs.settings(run);
    if (!s.deadlineSized()) {
      return run.roundTimeout();
    }
    Duration close = s.roundDeadline().plus(s.roundDeadline().dividedBy(2));
    return close.compareTo(run.roundTimeout()) < 0 ? close : run.roundTimeout();
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
  private final RunJournal journal;
  private List<String> problems = List.of();

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
    this.journal = new RunJournal(settings.stateDir(), state, models, log);
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
    RunJournal.checkBeforeOpen(
        settings.stateDb(), new ModelStore(settings.stateDir().resolve("models")));
    StateStore state = settings.stateDb().kind() == StateDb.Kind.SQLITE
        ? StateStore.open(settings.stateDb().file())
        : StateStore.open(settings.stateDb());
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
      FederationServer server =
          new FederationServer(settings, factory, out, state, registry, transport);
      server.problems = List.copyOf(server.journal.verify());
      return server;
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      state.close();
      throw e;
    }
  }

  /**
   * What the start-up check found wrong with the stored runs (one line each, also logged and
   * recorded as events): recorded rounds whose model is missing.
   */
  public List<String> problems() {
    return problems;
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
    return journal.metricsFile(runId);
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
    return run(spec, null);
  }

  /**
   * Runs a run to its end, as {@link #run(RunSpec)}, in a project: a new run is put into it before
   * its first round, and samples only that project's devices (a resumed run keeps its project).
   *
   * @param spec the run
   * @param project the project of a new run, or null for {@code default}
   * @return the run as stored at the end
   * @throws IllegalArgumentException when a finished run has this id
   * @throws java.util.NoSuchElementException when there is no such project
   * @throws IOException when a model cannot be saved or loaded
   * @throws InterruptedException when the server is stopped
   */
  public RunRecord run(RunSpec spec, String project) throws IOException, InterruptedException {
    return run(spec, project, true);
  }

  /**
   * Records a new run in a project without running it (a run spec's steps before {@code train}):
   * {@link #run(RunSpec, String, boolean)} then runs it as a new run, not a resumed one.
   *
   * @param spec the run
   * @param project its project, or null for {@code default}
   * @return its record
   * @throws IllegalArgumentException when a run has this id
   * @throws IllegalStateException when its model store project holds models
   */
  public RunRecord createRun(RunSpec spec, String project) {
    if (state.run(spec.id()).isPresent()) {
      throw new IllegalArgumentException("run '" + spec.id() + "' exists in "
          + settings.stateDir() + "; choose another run name");
    }
    journal.checkNewRun(spec);
    RunRecord rec = state.createRun(spec);
    if (project != null && !project.equals(ProjectRecord.DEFAULT)) {
      try (ProjectStore projects = ProjectStore.open(state.db())) {
        projects.assignRun(spec.id(), project);
      }
    }
    return rec;
  }

  /**
   * Runs a run's rounds, as {@link #run(RunSpec, String)}; with {@code finish} false the run stays
   * {@code running} after its last round (a run spec's later steps finish it).
   *
   * @param spec the run
   * @param project the project of a new run, or null for {@code default}
   * @param finish whether to mark the run finished after its last round
   * @return the run as stored at the end
   * @throws IOException when a model cannot be saved or loaded
   * @throws InterruptedException when the server is stopped
   */
  public RunRecord run(RunSpec spec, String project, boolean finish)
      throws IOException, InterruptedException {
    RunRecord rec = state.run(spec.id()).orElse(null);
    if (rec != null && !rec.unfinished()) {
      throw new IllegalArgumentException("run '" + spec.id() + "' already " + rec.status()
          + " in " + settings.stateDir() + "; choose another run name");
    }
    // a run recorded by createRun and not started yet is new, not resumed
    boolean resumed = rec != null && state.events(EventRecord.RUN_STARTED).stream()
        .anyMatch(e -> spec.id().equals(e.runId()));
    if (rec == null) {
      rec = createRun(spec, project);
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
    try (RunSetup made = factory.create(run)) {
      RunSetup setup = withLocalWork(run, made);
      Parameters global = journal.begin(run, setup, done, resumed);
      Map<String, Integer> examples = new ConcurrentHashMap<>();
      RoundListener listener = listener(run, examples);
      CoordinatorSettings cs = new CoordinatorSettings(roundClose(run), run.minResults(),
          settings.parallelism());
      try (RoundLoop coordinator =
          RoundLoop.create(setup.strategy(), cs, registry.poolOfRun(run.id()), setup.evaluator(),
              listener)) {
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
          journal.commit(run, setup, r, examples);
          global = r.global();
          round++;
        }
      }
    }
    if (!finish) {
      log.accept("run '" + run.id() + "': " + run.rounds() + " rounds done");
      return state.run(run.id()).orElseThrow();
    }
    state.setStatus(run.id(), RunRecord.FINISHED);
    String line = "run '" + run.id() + "' finished: " + run.rounds() + " rounds";
    state.event(EventRecord.RUN_FINISHED, run.id(), run.rounds(), null, line);
    log.accept(line);
    return state.run(run.id()).orElseThrow();
  }

  /**
   * Where a run's strategy state after a round is kept.
   *
   * @param runId the run
   * @param round the round
   * @return the file (it may not exist)
   */
  public Path strategyStateFile(String runId, int round) {
    return journal.strategyStateFile(runId, round);
  }

  /**
   * Refuses a new run whose model store project already holds models, before anything is
   * recorded.
   *
   * @throws IllegalStateException naming the project
   */
  public void checkNewRun(RunSpec spec) {
    journal.checkNewRun(spec);
  }

  /** The journal that commits this server's rounds and resumes its runs. */
  RunJournal journal() {
    return journal;
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

  private void awaitClients(RunSpec run) throws InterruptedException {
    int n = run.minClients();
    ClientPool pool = registry.poolOfRun(run.id());
    long nextLine = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (pool.available().size() < n) {
      // wakes when any device arrives; the run's project decides whether it counts
      registry.awaitAvailable(registry.available().size() + 1, Duration.ofSeconds(1));
      if (System.nanoTime() > nextLine && pool.available().size() < n) {
        log.accept("waiting for " + n + " clients of the run's project ("
            + pool.available().size() + " connected)");
        nextLine = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      }
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
  public static final Map<String, String> STANDARD_SETTINGS = StandardRuns.SETTINGS;

  /**
   * Runs of a DJL model on an image data set ({@link StandardRuns}).
   *
   * @return the factory
   */
  public static RunFactory standardRuns() {
    return new StandardRuns();
  }
}

package dev.fedge.web.view;

import dev.fedge.server.FederationServer;
import dev.fedge.server.pipeline.PipelineRun;
import dev.fedge.server.pipeline.PipelineSpec;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSettingsBinder;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts and stops runs of a {@link FederationServer}, one at a time, each on its own thread.
 *
 * <p>A run's settings are those of the server's run command ({@link RunSettingsBinder.Use#API}:
 * {@code id}, {@code group}, {@code project}, {@code rounds}, {@code min-clients}, {@code
 * min-results}, {@code round-timeout} (like {@code 120s}, seconds, or ISO-8601 like {@code PT90S}),
 * {@code codec}, {@code strategy}, {@code dataset}, {@code model}, {@code lr}, ... and {@code
 * strategy.<option>}), bound to {@link RunSettings} and validated there; what is not given comes
 * from a template spec, except the id ({@code <dataset>-<strategy>-<UTC time>}) and the project
 * (the id), so that every run has its own rounds in the model store.
 *
 * <p>A run spec with steps ({@code steps}, {@code check}, {@code data}, {@code train}, {@code
 * evaluate}, {@code serve}: {@link PipelineSpec}) runs them through {@link PipelineRun}; their
 * status is in {@code run_steps}, and a run resumed at the next start resumes at its step.
 *
 * <p>Stopping interrupts the run's thread: the round in progress is abandoned (its model is not
 * recorded), the run gets the status {@value #STOPPED} and a {@value #RUN_STOPPED} event, and is
 * not resumed at the next start. A run that ends with an error gets the status {@link
 * RunRecord#FAILED} and a {@value #RUN_FAILED} event.
 */
public final class FederationRunControl implements RunControl, AutoCloseable {

  /** Status of a run stopped on request. */
  public static final String STOPPED = "stopped";

  /** Event kind of a run stopped on request. */
  public static final String RUN_STOPPED = "run_stopped";

  /** Event kind of a run that ended with an error. */
  public static final String RUN_FAILED = "run_failed";

  private final FederationServer server;
  private final RunSpec template;
  private final ServerView view;
  private final Consumer<String> log;
  private Thread thread;
  private String current;
  private volatile boolean stopping;

  /**
   * Control over a server.
   *
   * @param server the running federation server
   * @param template where settings not given come from (its id is not used)
   * @param view how runs are read back for the answers
   * @param log one line per run started, stopped or failed
   */
  public FederationRunControl(
      FederationServer server, RunSpec template, ServerView view, Consumer<String> log) {
    this.server = server;
    this.template = template;
    this.view = view;
    this.log = log == null ? s -> {} : log;
  }

  /**
   * Builds a run spec from API settings, checking every key and value ({@link
   * RunSettingsBinder.Use#API}: what is not given comes from the template).
   *
   * @param settings the settings (values are strings, numbers or booleans)
   * @return the spec
   * @throws IllegalArgumentException naming an unknown key or a bad value
   */
  public RunSpec spec(Map<String, Object> settings) {
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException("run setting '" + e.getKey() + "' must be a string, "
            + "number or boolean, got " + (v == null ? "null"
                : v instanceof List ? "an array" : v instanceof Map ? "an object" : v));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>(
        RunSpecs.settings(template).toMap(RunSettingsBinder.Use.SERVER));
    // each run its own name and model project by default, so that runs never share rounds
    m.remove("name");
    m.remove("project");
    m.keySet().retainAll(RunSettingsBinder.Use.API.keys());
    if (!settings.containsKey("strategy")) {
      // the same strategy: the template's options are its options
      template.settings().forEach((k, v) -> {
        if (k.startsWith("strategy.")) {
          m.put(k, v);
        }
      });
    }
    m.putAll(settings);
    RunSettings s = RunSettingsBinder.bind(RunSettingsBinder.Use.API, m);
    if (!settings.containsKey("min-results") && s.minResults() > s.minClients()) {
      // fewer clients than the template's results: as many results as clients
      m.put("min-results", s.minClients());
      s = RunSettingsBinder.bind(RunSettingsBinder.Use.API, m);
    }
    s.checkStrategy(s.minClients());
    return RunSpecs.of(s);
  }

  /** {@inheritDoc} */
  @Override
  public RunInfo startRun(Map<String, Object> settings) {
    return start(spec(settings));
  }

  /** {@inheritDoc} */
  @Override
  public RunInfo startRun(Map<String, Object> settings, String tenant) {
    Map<String, Object> rest = new LinkedHashMap<>(settings);
    PipelineSpec steps = PipelineSpec.take(rest).orElse(null);
    return start(spec(rest), tenant, steps);
  }

  /**
   * Starts a run on its own thread (the server command can start its own run through this too, so
   * that it can be stopped from the API).
   *
   * @param spec the run
   * @return the run as stored once started
   * @throws IllegalStateException when a run is going on, or one with this id exists
   */
  public synchronized RunInfo start(RunSpec spec) {
    return start(spec, null);
  }

  /**
   * Starts a run in a project on its own thread; see {@link FederationServer#run(RunSpec, String)}.
   *
   * @param spec the run
   * @param tenant its project, or null for {@code default}
   * @return the run as stored once started
   * @throws IllegalStateException when a run is going on, or one with this id exists
   */
  public synchronized RunInfo start(RunSpec spec, String tenant) {
    return start(spec, tenant, null);
  }

  /**
   * Starts a run in a project on its own thread, through its steps when it has some.
   *
   * @param spec the run
   * @param tenant its project, or null for {@code default}
   * @param steps the steps of a new run, or null: a plain run, or the steps stored for it
   * @return the run as stored once started
   * @throws IllegalStateException when a run is going on, or one with this id exists
   */
  public synchronized RunInfo start(RunSpec spec, String tenant, PipelineSpec steps) {
    StateStore state = server.state();
    if (thread != null && thread.isAlive()) {
      throw new IllegalStateException("run '" + current + "' is running; stop it first");
    }
    Optional<RunRecord> unfinished = state.unfinishedRun();
    if (unfinished.isPresent() && !unfinished.get().id().equals(spec.id())) {
      throw new IllegalStateException(
          "run '"
              + unfinished.get().id()
              + "' is unfinished; stop "
              + "it first (POST /api/v1/runs/"
              + unfinished.get().id()
              + "/stop)");
    }
    Optional<RunRecord> existing = state.run(spec.id());
    if (existing.isPresent() && !existing.get().unfinished()) {
      throw new IllegalStateException(
          "run '"
              + spec.id()
              + "' exists already ("
              + existing.get().status()
              + "); choose another id");
    }
    if (existing.isEmpty()) {
      server.checkNewRun(spec);
    }
    stopping = false;
    current = spec.id();
    thread = new Thread(() -> runToEnd(spec, tenant, steps), "fedge-run-" + spec.id());
    thread.setDaemon(true);
    thread.start();
    // the server creates (or resumes) the run's record first thing; answer once it is there
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      Optional<RunInfo> r = view.run(spec.id());
      if (r.isPresent()) {
        return r.get();
      }
      if (!thread.isAlive()) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return view.run(spec.id())
        .orElseThrow(() -> new IllegalStateException("run '" + spec.id() + "' did not start"));
  }

  private void runToEnd(RunSpec spec, String tenant, PipelineSpec steps) {
    StateStore state = server.state();
    try {
      PipelineRun.runToEnd(server, spec, tenant, steps, log);
    } catch (InterruptedException e) {
      if (stopping) {
        int done = state.run(spec.id()).map(RunRecord::completedRounds).orElse(0);
        state.setStatus(spec.id(), STOPPED);
        String line = "run '" + spec.id() + "' stopped after round " + done;
        PipelineRun.stopped(state, spec.id(), "stopped through the API after round " + done);
        state.event(RUN_STOPPED, spec.id(), done, null, line);
        log.accept(line);
      }
    } catch (Exception | LinkageError e) {
      state.setStatus(spec.id(), RunRecord.FAILED);
      String line = "run '" + spec.id() + "' failed: " + e.getMessage();
      state.event(RUN_FAILED, spec.id(), null, null, line);
      log.accept(line);
    }
  }

  /** {@inheritDoc} */
  @Override
  public RunInfo stopRun(String runId) {
    RunRecord rec =
        server
            .state()
            .run(runId)
            .orElseThrow(() -> new NoSuchElementException("no run '" + runId + "'"));
    Thread t;
    synchronized (this) {
      if (!rec.unfinished()) {
        throw new IllegalStateException("run '" + runId + "' has ended (" + rec.status() + ")");
      }
      t = runId.equals(current) && thread != null && thread.isAlive() ? thread : null;
      if (t != null) {
        stopping = true;
        t.interrupt();
      }
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(60).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      // not run by this server process (e.g. left over from a crash and not resumed)
      server.state().setStatus(runId, STOPPED);
      PipelineRun.stopped(server.state(), runId,
          "stopped through the API after round " + rec.completedRounds());
      server
          .state()
          .event(
              RUN_STOPPED,
              runId,
              rec.completedRounds(),
              null,
              "run '" + runId + "' stopped after round " + rec.completedRounds());
    }
    return view.run(runId).orElseThrow();
  }

  /** Waits until the current run (if any) has ended. */
  public void awaitRun() throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.join();
    }
  }

  /** The id of the run going on, if any. */
  public synchronized Optional<String> running() {
    return thread != null && thread.isAlive() ? Optional.of(current) : Optional.empty();
  }

  /** Stops the run going on, if any. */
  @Override
  public void close() {
    running().ifPresent(this::stopRun);
  }
}

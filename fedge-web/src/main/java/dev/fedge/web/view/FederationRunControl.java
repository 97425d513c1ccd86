package dev.fedge.web.view;

import dev.fedge.data.Datasets;
import dev.fedge.ml.Models;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import dev.fedge.strategy.Strategies;
import dev.fedge.strategy.StrategySettings;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Starts and stops runs of a {@link FederationServer}, one at a time, each on its own thread.
 *
 * <p>A run's settings are those of the server's run command: {@code id}, {@code group}, {@code
 * project}, {@code rounds}, {@code min-clients}, {@code min-results}, {@code round-timeout}
 * (seconds, or ISO-8601 like {@code PT90S}), {@code codec}, and the run factory's settings ({@link
 * FederationServer#STANDARD_SETTINGS}: {@code strategy}, {@code dataset}, {@code model}, {@code
 * lr}, ... and {@code strategy.<option>}); what is not given comes from a template spec, except the
 * id ({@code <dataset>-<strategy>-<UTC time>}) and the project (the id), so that every run has its
 * own rounds in the model store.
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

  private static final List<String> SPEC_KEYS =
      List.of(
          "id",
          "group",
          "project",
          "rounds",
          "min-clients",
          "min-results",
          "round-timeout",
          "codec");
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

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
   * Builds a run spec from API settings, checking every key and value.
   *
   * @param settings the settings (values are strings, numbers or booleans)
   * @return the spec
   * @throws IllegalArgumentException naming an unknown key or a bad value
   */
  public RunSpec spec(Map<String, Object> settings) {
    Map<String, String> s = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      // flags are dashed (min-clients); strategy options keep their own names (server_lr)
      String key = e.getKey().startsWith("strategy.") ? e.getKey() : e.getKey().replace('_', '-');
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException(
            "run setting '"
                + e.getKey()
                + "' must be a string, "
                + "number or boolean, got "
                + (v == null
                    ? "null"
                    : v instanceof java.util.List
                        ? "an array"
                        : v instanceof Map ? "an object" : v));
      }
      if (!SPEC_KEYS.contains(key)
          && !FederationServer.STANDARD_SETTINGS.containsKey(key)
          && !key.startsWith("strategy.")) {
        TreeSet<String> known = new TreeSet<>(SPEC_KEYS);
        known.addAll(FederationServer.STANDARD_SETTINGS.keySet());
        throw new IllegalArgumentException(
            "unknown run setting '"
                + e.getKey()
                + "'; known: "
                + String.join(", ", known)
                + ", strategy.<option>");
      }
      s.put(
          key,
          v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15
              ? Long.toString(d.longValue())
              : v.toString().strip());
    }
    Map<String, String> runSettings = new LinkedHashMap<>(template.settings());
    if (s.containsKey("strategy")) {
      // another strategy: the template's strategy options are not its options
      runSettings.keySet().removeIf(k -> k.startsWith("strategy."));
    }
    s.forEach(
        (k, v) -> {
          if (!SPEC_KEYS.contains(k)) {
            runSettings.put(k, v);
          }
        });
    String id =
        s.getOrDefault(
            "id",
            (runSettings.getOrDefault("dataset", FederationServer.STANDARD_SETTINGS.get("dataset"))
                    + "-"
                    + runSettings.getOrDefault(
                        "strategy", FederationServer.STANDARD_SETTINGS.get("strategy"))
                    + "-"
                    + ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME))
                .replaceAll("[^A-Za-z0-9._-]", "_")
                .toLowerCase(Locale.ROOT));
    // each run its own model project by default, so that runs never share rounds in the store
    String project = s.getOrDefault("project", id);
    int minClients = integer(s, "min-clients", template.minClients());
    RunSpec spec =
        new RunSpec(
            id,
            s.getOrDefault("group", template.group()),
            project,
            integer(s, "rounds", template.rounds()),
            minClients,
            integer(s, "min-results", Math.min(template.minResults(), minClients)),
            duration(s.get("round-timeout"), template.roundTimeout()),
            s.getOrDefault("codec", template.codec()),
            runSettings);
    check(spec);
    return spec;
  }

  private static void check(RunSpec spec) {
    Map<String, String> all = new LinkedHashMap<>(FederationServer.STANDARD_SETTINGS);
    all.putAll(spec.settings());
    Datasets.checkName(all.get("dataset"));
    if (!Models.NAMES.contains(all.get("model"))) {
      throw new IllegalArgumentException(
          "unknown model '" + all.get("model") + "'; known: " + String.join(", ", Models.NAMES));
    }
    for (String k : List.of("seed", "local-epochs", "batch-size", "test-limit", "threads")) {
      integer(all, k, 0);
    }
    for (String k : List.of("fraction", "fraction-evaluate", "lr", "momentum", "weight-decay")) {
      try {
        Double.parseDouble(all.get(k));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "run setting '" + k + "' must be a number, got '" + all.get(k) + "'");
      }
    }
    Map<String, String> options = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (k.startsWith("strategy.")) {
            options.put(k.substring("strategy.".length()), v);
          }
        });
    Strategies.create(
        all.get("strategy"),
        options,
        StrategySettings.defaults().withSampling(1.0, Math.max(1, spec.minClients())));
  }

  private static int integer(Map<String, String> s, String key, int dflt) {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "run setting '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  private static Duration duration(String v, Duration dflt) {
    if (v == null) {
      return dflt;
    }
    try {
      return v.matches("\\d+(\\.\\d+)?")
          ? Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000))
          : Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "run setting 'round-timeout' must be seconds or an "
              + "ISO-8601 duration like PT90S, got '"
              + v
              + "'");
    }
  }

  /** {@inheritDoc} */
  @Override
  public RunInfo startRun(Map<String, Object> settings) {
    return start(spec(settings));
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
    if (existing.isEmpty() && !server.models().rounds(spec.group(), spec.project()).isEmpty()) {
      throw new IllegalStateException(
          "model store project "
              + spec.group()
              + "/"
              + spec.project()
              + " already holds another run's models; choose another project");
    }
    stopping = false;
    current = spec.id();
    thread = new Thread(() -> runToEnd(spec), "fedge-run-" + spec.id());
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

  private void runToEnd(RunSpec spec) {
    StateStore state = server.state();
    try {
      server.run(spec);
    } catch (InterruptedException e) {
      if (stopping) {
        int done = state.run(spec.id()).map(RunRecord::completedRounds).orElse(0);
        state.setStatus(spec.id(), STOPPED);
        String line = "run '" + spec.id() + "' stopped after round " + done;
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

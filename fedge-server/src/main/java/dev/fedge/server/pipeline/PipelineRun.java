package dev.fedge.server.pipeline;

import dev.fedge.api.ClientProxy;
import dev.fedge.server.ClientPool;
import dev.fedge.server.FederationServer;
import dev.fedge.server.net.ClientRegistry;
import dev.fedge.server.net.RemoteClient;
import dev.fedge.server.settings.Durations;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.RoundRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.state.StepRecord;
import dev.fedge.server.state.StepStore;
import dev.fedge.server.store.ModelAliases;
import dev.fedge.server.store.ModelKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a run spec's steps on a federation server: {@code check} waits (bounded) for enough devices
 * of the named classes in the run's project; {@code data} checks the data set each of them reports
 * ({@code fedge client} sends {@code dataset} and {@code train_examples} among its device facts; a
 * device that does not say is checked on its first train task); {@code train} is {@link
 * FederationServer#run(RunSpec, String, boolean)}, which resumes after the last completed round;
 * {@code evaluate} records the central evaluation of the last and best rounds and the devices'
 * own; {@code serve} points the project's alias at the best or last round ({@link ModelAliases}),
 * which the prediction endpoint then serves.
 *
 * <p>The run's record and its steps are written before the first step, so a server stopped at any
 * step resumes at that step ({@link #runToEnd} with the stored spec). The run is finished when
 * every step is done, and failed with the failed step's line otherwise.
 */
public final class PipelineRun {

  /** Event kind of a run recorded with its steps, before its first step. */
  public static final String RUN_PLANNED = "run_planned";

  /** Event kind of a step that ended (its line is the message). */
  public static final String RUN_STEP = "run_step";

  /** Event kind of a run whose step failed (as the API's run control writes it). */
  public static final String RUN_FAILED = "run_failed";

  private PipelineRun() {}

  /**
   * Runs a run to its end: through its steps when it has some (given now, or stored by an earlier
   * start), else as a plain run ({@link FederationServer#run(RunSpec, String)}).
   *
   * @param server the server
   * @param spec the run (a stored run's own spec wins)
   * @param project the project of a new run, or null for {@code default}
   * @param steps the steps of a new run, or null: those stored, or none
   * @param log one line per step change
   * @return the run as stored at the end: finished, or failed with its step's reason
   * @throws InterruptedException when the server stops (the step going on resumes at next start)
   * @throws IOException when a model cannot be saved or loaded
   */
  public static RunRecord runToEnd(FederationServer server, RunSpec spec, String project,
      PipelineSpec steps, Consumer<String> log) throws IOException, InterruptedException {
    Consumer<String> out = log == null ? s -> {} : log;
    StateStore state = server.state();
    try (StepStore store = StepStore.open(state.db())) {
      List<StepRecord> stored = store.steps(spec.id());
      if (stored.isEmpty() && steps == null) {
        return server.run(spec, project);
      }
      RunRecord rec;
      if (stored.isEmpty()) {
        rec = state.run(spec.id()).orElse(null);
        if (rec != null) {
          throw new IllegalArgumentException("run '" + spec.id() + "' exists (" + rec.status()
              + ") without steps; choose another run name");
        }
        rec = server.createRun(spec, project);
        Map<String, Map<String, Object>> plan = new LinkedHashMap<>();
        steps.options().forEach((s, o) -> plan.put(s.id(), o));
        store.plan(spec.id(), plan);
        String line = "run '" + spec.id() + "' planned: " + String.join(", ", plan.keySet());
        state.event(RUN_PLANNED, spec.id(), null, null, line);
        out.accept(line);
      } else {
        rec = state.run(spec.id()).orElseThrow();
        steps = fromRows(stored);
        stored.stream().filter(s -> !s.ended()).findFirst().ifPresent(s -> out.accept("run '"
            + spec.id() + "': resuming at step " + s.step()));
      }
      RunSpec run = rec.spec();
      Map<String, Pipeline.Action> actions = actions(server, run, steps, out);
      Pipeline.Outcome o = new Pipeline(out).run(journal(store, state, run.id()), actions);
      if (o.ok()) {
        state.setStatus(run.id(), RunRecord.FINISHED);
        String line = "run '" + run.id() + "' finished: " + run.rounds() + " rounds, steps "
            + String.join(", ", steps.steps().stream().map(Step::id).toList()) + " done";
        state.event(EventRecord.RUN_FINISHED, run.id(), run.rounds(), null, line);
        out.accept(line);
      } else if (state.run(run.id()).map(RunRecord::unfinished).orElse(false)) {
        state.setStatus(run.id(), RunRecord.FAILED);
        String line = "run '" + run.id() + "' failed: " + o.reason();
        state.event(RUN_FAILED, run.id(), null, null, line);
        out.accept(line);
      }
      return state.run(run.id()).orElseThrow();
    }
  }

  /**
   * Records that a run was stopped on request: its running step fails, the rest are skipped (no
   * effect on a run without steps).
   */
  public static void stopped(StateStore state, String runId, String line) {
    try (StepStore store = StepStore.open(state.db())) {
      store.stopped(runId, line);
    }
  }

  /** A run's steps as stored, in order; empty for a run without steps. */
  public static List<StepRecord> steps(StateStore state, String runId) {
    try (StepStore store = StepStore.open(state.db())) {
      return store.steps(runId);
    }
  }

  /** The spec the stored rows say (their steps and options). */
  static PipelineSpec fromRows(List<StepRecord> rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (StepRecord r : rows) {
      names.add(r.step());
      if (!r.options().isEmpty()) {
        m.put(r.step(), r.options());
      }
    }
    m.put("steps", names);
    return PipelineSpec.parse(m);
  }

  private static Pipeline.Journal journal(StepStore store, StateStore state, String runId) {
    return new Pipeline.Journal() {
      @Override
      public List<StepRecord> steps() {
        return store.steps(runId);
      }

      @Override
      public void started(String step) {
        store.started(runId, step);
      }

      @Override
      public void finished(String step, String status, String line) {
        store.finished(runId, step, status, line);
        state.event(RUN_STEP, runId, null, null, line);
      }
    };
  }

  private static Map<String, Pipeline.Action> actions(FederationServer server, RunSpec run,
      PipelineSpec steps, Consumer<String> log) {
    Map<String, Pipeline.Action> a = new LinkedHashMap<>();
    a.put(Step.CHECK.id(), () -> check(server, run, steps.check(), log));
    a.put(Step.DATA.id(), () -> StepChecks.data(run.setting("dataset", "fashion-mnist"),
        online(server, run).stream().map(c -> StepChecks.DeviceData.of(c.name(),
            c.facts().extra())).toList()));
    a.put(Step.TRAIN.id(), () -> {
      RunRecord r = server.run(run, null, false);
      return "train: " + r.completedRounds() + " of " + run.rounds() + " rounds";
    });
    a.put(Step.EVALUATE.id(), () -> StepChecks.evaluate(server.state().rounds(run.id())));
    a.put(Step.SERVE.id(), () -> serve(server, run, steps.serve()));
    return a;
  }

  /** The devices of the run's project online now. */
  private static List<RemoteClient> online(FederationServer server, RunSpec run) {
    ClientRegistry registry = server.registry();
    ClientPool pool = registry.poolOfRun(run.id());
    List<RemoteClient> out = new ArrayList<>();
    for (ClientProxy c : pool.available()) {
      registry.client(c.id()).ifPresent(out::add);
    }
    return out;
  }

  private static String check(FederationServer server, RunSpec run,
      PipelineSpec.CheckOptions o, Consumer<String> log)
      throws InterruptedException, Pipeline.Failed {
    int need = o.minDevices() > 0 ? o.minDevices() : run.minClients();
    long end = System.nanoTime() + o.timeout().toNanos();
    long nextLine = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    ClientRegistry registry = server.registry();
    while (true) {
      List<String> classes = online(server, run).stream()
          .map(c -> c.facts().deviceClass()).toList();
      var missing = StepChecks.shortfall(need, o.classes(), classes);
      if (missing.isEmpty()) {
        return "check: " + StepChecks.online(classes);
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new Pipeline.Failed("check: " + missing.get() + " after "
            + Durations.format(o.timeout()));
      }
      if (System.nanoTime() > nextLine) {
        log.accept("check: waiting, " + missing.get());
        nextLine = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      }
      // wakes when any device arrives; the run's project and class decide whether it counts
      registry.awaitAvailable(registry.available().size() + 1,
          Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos())));
    }
  }

  private static String serve(FederationServer server, RunSpec run, PipelineSpec.ServeOptions o)
      throws IOException, Pipeline.Failed {
    List<RoundRecord> rounds = server.state().rounds(run.id());
    if (rounds.isEmpty()) {
      throw new Pipeline.Failed("serve: the run has no completed round");
    }
    RoundRecord r = o.pick() == PipelineSpec.Pick.LAST ? rounds.get(rounds.size() - 1)
        : StepChecks.best(rounds);
    ModelKey key = run.modelKey(r.round());
    ModelAliases.Change c = new ModelAliases(server.models()).set(key, o.alias());
    String what = o.pick() == PipelineSpec.Pick.LAST ? "last round"
        : Double.isNaN(r.accuracy()) ? "best round" : String.format(Locale.ROOT,
            "best round, accuracy %.4f", r.accuracy());
    server.state().event(EventRecord.ALIAS_CHANGED, run.id(), r.round(), null, "alias '"
        + o.alias() + "' of " + run.group() + "/" + run.project() + " set to round " + r.round()
        + (c.previous() == null ? "" : " (was round " + c.previous() + ")") + " by run '"
        + run.id() + "'");
    return "serve: alias '" + o.alias() + "' of " + run.group() + "/" + run.project()
        + " names round " + r.round() + " (" + what + "); predict at /v1/models/" + run.group()
        + "." + run.project() + "." + o.alias() + ":predict";
  }
}

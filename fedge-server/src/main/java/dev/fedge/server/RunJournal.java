package dev.fedge.server;

import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.server.FederationServer.RunSetup;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.RunSpecs;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.RoundRecord;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.server.state.StateDb;
import dev.fedge.server.state.StateException;
import dev.fedge.server.state.StateStore;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.server.store.StrategyStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The one owner of a run's crash-consistent record: the order in which a round is committed, and
 * what a restart does with whatever a crash left behind.
 *
 * <p>A round is committed in these steps ({@link Step}), and the SQLite record is the commit
 * point: a round counts once its row is in the state file, and never before.
 *
 * <ol>
 *   <li>{@link Step#MODEL_SAVED}: the global model goes into the {@link ModelStore} (written into
 *       a temporary folder and renamed into place);
 *   <li>{@link Step#STRATEGY_STATE_SAVED}: the strategy's server-side state (FedAvgM's momentum,
 *       FedAdam's moments), when it has one, as {@code strategy-state/<run>/round-<n>};
 *   <li>{@link Step#ROUND_RECORDED}: the round, its participants and metrics in one transaction
 *       (the commit point);
 *   <li>{@link Step#LATEST_MARKED}: the project's {@code latest} file names the round, so the
 *       registry and prediction serve it;
 *   <li>{@link Step#OLD_STATE_DELETED}: older rounds' strategy-state files are deleted;
 *   <li>{@link Step#METRICS_APPENDED}: the round's row is appended to {@code runs/<run>/metrics.csv}.
 * </ol>
 *
 * <p>Resuming after round {@code n} (the last one recorded) undoes what a crash left after the
 * commit point's predecessor: model folders of rounds after {@code n} are deleted (they were never
 * recorded, so the round runs again), the {@code latest} file is set to {@code n}, the strategy
 * state of round {@code n} is restored, and {@code metrics.csv} is rewritten from the state file.
 * So a process killed between any two steps loses no recorded round and counts none twice.
 *
 * <p>What the journal refuses rather than repairs, because it would lose data: a state file that
 * is missing or empty beside a model store that holds models ({@link #checkBeforeOpen}), and a
 * recorded round whose model is gone ({@link #verify} reports it; resuming from it fails with the
 * file's name).
 */
public final class RunJournal {

  /** The steps of committing a round, in their order. */
  public enum Step {
    /** The global model is in the model store. */
    MODEL_SAVED,
    /** The strategy's server-side state is saved (a no-op for strategies without one). */
    STRATEGY_STATE_SAVED,
    /** The round is recorded in the state file: the commit point. */
    ROUND_RECORDED,
    /** The project's latest file names the round. */
    LATEST_MARKED,
    /** Older rounds' strategy-state files are deleted. */
    OLD_STATE_DELETED,
    /** The round's row is in metrics.csv. */
    METRICS_APPENDED
  }

  /** Told after each step; tests use it to kill the server between two steps. */
  @FunctionalInterface
  interface StepListener {
    void after(Step step, int round);
  }

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Path stateDir;
  private final StateStore state;
  private final ModelStore models;
  private final Consumer<String> log;
  private volatile StepListener steps = (step, round) -> {};

  RunJournal(Path stateDir, StateStore state, ModelStore models, Consumer<String> log) {
    this.stateDir = stateDir;
    this.state = state;
    this.models = models;
    this.log = log;
  }

  void onStep(StepListener listener) {
    this.steps = listener;
  }

  /**
   * Refuses a state database that holds nothing (a SQLite file that is missing or empty, a
   * PostgreSQL database without fedge's tables) while the model store beside it holds models:
   * opening it would start over with no record of those runs. Checked before the database is
   * opened, so nothing is created or changed.
   *
   * @param db the state database
   * @param models the model store of the same state directory
   * @throws StateException naming the database, what was found, and what to do
   */
  static void checkBeforeOpen(StateDb db, ModelStore models) {
    if (!db.holdsNoState()) {
      return;
    }
    List<ModelKey> stored = models.list();
    if (stored.isEmpty()) {
      return;
    }
    String what;
    if (db.kind() == StateDb.Kind.SQLITE) {
      what = Files.exists(db.file()) ? " is empty (0 bytes)" : " is missing";
    } else {
      what = " holds no fedge tables";
    }
    TreeSet<String> projects = new TreeSet<>();
    stored.forEach(k -> projects.add(k.group() + "/" + k.project()));
    throw new StateException(db.describe() + what
        + ", but " + models.root() + " holds " + stored.size() + " models of " + projects.size()
        + " project(s) (" + String.join(", ", projects) + "): refusing to start over without "
        + "their record; restore the state " + (db.kind() == StateDb.Kind.SQLITE ? "file" : "database")
        + " from a backup, or use another --state-dir "
        + "(nothing was changed)");
  }

  /**
   * Checks at start that every run's last recorded round has its model, and names that round as
   * its project's latest. A missing model is logged and recorded as a {@link
   * EventRecord#MODEL_MISSING} event; the registry then reports it instead of serving an older
   * round.
   *
   * @return one line per missing model
   * @throws IOException when a latest file cannot be written
   */
  public List<String> verify() throws IOException {
    List<String> problems = new ArrayList<>();
    for (RunRecord rec : state.runs()) {
      int done = rec.completedRounds();
      if (done == 0) {
        continue;
      }
      ModelKey key = rec.spec().modelKey(done);
      Optional<Path> missing = models.missingFile(key);
      if (missing.isPresent()) {
        String line = "run '" + rec.id() + "' recorded round " + done + ", but model " + key
            + " is missing (" + missing.get() + " not found); the registry will not serve an "
            + "older round in its place";
        problems.add(line);
        log.accept(line);
        state.event(EventRecord.MODEL_MISSING, rec.id(), done, null, line);
      }
      if (!models.marked(key.group(), key.project()).equals(Optional.of(done))) {
        models.markLatest(key);
      }
    }
    return problems;
  }

  /** The metrics file of a run. */
  public Path metricsFile(String runId) {
    return stateDir.resolve("runs").resolve(runId).resolve("metrics.csv");
  }

  /** The metrics file of a run, with the columns its settings give it. */
  private MetricsCsv metricsCsv(String runId, RunSettings settings) {
    return new MetricsCsv(metricsFile(runId), settings.reid(), MetricsCsv.extraColumns(settings));
  }

  /** Where a run's strategy state after a round is kept (the file may not exist). */
  public Path strategyStateFile(String runId, int round) {
    return strategyStates(runId).file(round);
  }

  private StrategyStateFile.Series strategyStates(String runId) {
    return new StrategyStateFile.Series(stateDir.resolve("strategy-state").resolve(runId), "round-");
  }

  /**
   * Refuses a new run whose model store project already holds models (they would be mixed with,
   * or replaced by, the new run's).
   *
   * @throws IllegalStateException naming the project
   */
  public void checkNewRun(RunSpec spec) {
    if (!models.rounds(spec.group(), spec.project()).isEmpty()) {
      throw new IllegalStateException("model store project " + spec.group() + "/"
          + spec.project() + " already holds another run's models; choose another project");
    }
  }

  /**
   * Makes a run ready for its next round and gives the model that round starts from. A new run
   * saves its initial model as round 0; a resumed one is rolled back to its last recorded round
   * (see the class comment).
   *
   * @param run the run
   * @param setup what it runs with
   * @param done rounds recorded so far
   * @param resumed whether the run was recorded before this start
   * @return the model the next round starts from
   * @throws IOException when a model cannot be read or written
   * @throws IllegalStateException when the last recorded round's model is missing or does not fit
   */
  Parameters begin(RunSpec run, RunSetup setup, int done, boolean resumed) throws IOException {
    if (!resumed) {
      keepOldMetrics(run.id());
      return startModel(run, setup, 0);
    }
    rollBack(run, done);
    Parameters global = startModel(run, setup, done);
    if (done > 0) {
      restoreStrategyState(run, setup.strategy(), done);
    }
    MetricsCsv csv = metricsCsv(run.id(), RunSpecs.settings(run));
    List<MetricsCsv.Row> rows = new ArrayList<>();
    for (RoundRecord r : state.rounds(run.id())) {
      Map<String, Double> more = csv.hasOptionalColumns()
          ? csv.storedColumns(state.metrics(run.id(), r.round())) : Map.of();
      rows.add(new MetricsCsv.Row(r.round(), r.accuracy(), r.loss(), r.clientAccuracy(),
          r.clientLoss(), r.trainLoss(), r.participants(), r.failures(), r.seconds(), more));
    }
    csv.replaceAll(rows);
    return global;
  }

  /** Deletes model folders of rounds after the last recorded one and marks that one latest. */
  private void rollBack(RunSpec run, int done) throws IOException {
    for (int r : models.rounds(run.group(), run.project())) {
      if (r > done && models.delete(run.modelKey(r))) {
        log.accept("round " + r + " of run '" + run.id() + "' was saved but not recorded: its "
            + "model is discarded and the round runs again");
      }
    }
    if (done > 0) {
      models.markLatest(run.modelKey(done));
    }
  }

  /** A new run whose metrics file exists (left by a run the state file does not know): kept. */
  private void keepOldMetrics(String runId) throws IOException {
    Path file = metricsFile(runId);
    if (Files.exists(file)) {
      Path kept = file.resolveSibling(
          "metrics-before-" + LocalDateTime.now().format(STAMP) + ".csv");
      Files.move(file, kept);
      log.accept(file + " belonged to no recorded run: kept as " + kept.getFileName());
    }
  }

  private Parameters startModel(RunSpec run, RunSetup setup, int done) throws IOException {
    ModelKey key = run.modelKey(done);
    if (done == 0 && !models.rounds(run.group(), run.project()).contains(0)) {
      Parameters initial = setup.strategy().initializeParameters(setup.initial());
      Map<String, Object> provenance = provenance(run, setup);
      provenance.put("round", 0);
      models.save(key, initial, provenance);
      return initial;
    }
    Optional<Path> missing = models.missingFile(key);
    if (missing.isPresent()) {
      throw new IllegalStateException("cannot resume run '" + run.id() + "' after round " + done
          + ": its model " + key + " is missing (" + missing.get() + " not found); restore it");
    }
    Parameters p = models.load(key);
    if (!p.layout().equals(setup.initial().layout())) {
      throw new IllegalStateException("model " + key + " in " + models.root()
          + " does not have the layout of run '" + run.id() + "'s model");
    }
    return p;
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

  /**
   * Commits a completed round, step by step in the order of the class comment.
   *
   * @param run the run
   * @param setup what it runs with
   * @param r the round
   * @param examples training examples per participant
   * @throws IOException when a file cannot be written
   */
  void commit(RunSpec run, RunSetup setup, RoundResult r, Map<String, Integer> examples)
      throws IOException {
    int round = r.round();
    Map<String, Object> provenance = provenance(run, setup);
    provenance.put("round", round);
    Map<String, Object> metrics = new LinkedHashMap<>(r.metrics());
    metrics.put("accuracy", r.accuracy());
    metrics.put("loss", r.loss());
    provenance.put("metrics", metrics);
    provenance.put("participants", r.participants());
    ModelKey key = run.modelKey(round);
    Map<String, Object> manifest = models.save(key, r.global(), provenance);
    steps.after(Step.MODEL_SAVED, round);
    Map<String, float[]> strategyState = setup.strategy().state();
    if (!strategyState.isEmpty()) {
      StrategyStateFile.write(strategyStateFile(run.id(), round), round, strategyState);
    }
    steps.after(Step.STRATEGY_STATE_SAVED, round);
    state.completeRound(run, r, String.valueOf(manifest.get("sha256")), Map.copyOf(examples));
    steps.after(Step.ROUND_RECORDED, round);
    models.markLatest(key);
    steps.after(Step.LATEST_MARKED, round);
    strategyStates(run.id()).deleteExcept(round);
    steps.after(Step.OLD_STATE_DELETED, round);
    metricsCsv(run.id(), RunSpecs.settings(run)).append(r);
    steps.after(Step.METRICS_APPENDED, round);
    log.accept(String.format(Locale.ROOT,
        "round %d/%d done: %s, loss %s, %d results, %d failures, %.1f s; model %s",
        round, run.rounds(), r.central().filter(c -> c.metrics().containsKey("mAP"))
            .map(c -> "rank-1 " + fmt(c.metrics().get("rank1")) + ", mAP "
                + fmt(c.metrics().get("mAP")))
            .orElse("accuracy " + fmt(r.accuracy()))
            + r.clientEval().filter(c -> c.metrics().containsKey("mAP"))
                .map(c -> String.format(Locale.ROOT, " (devices: rank-1 %s, mAP %s on %d queries)",
                    fmt(c.metrics().get("rank1")), fmt(c.metrics().get("mAP")), c.numExamples()))
                .orElse(""), fmt(r.loss()), r.participants().size(),
        r.failures().size(), r.duration().toMillis() / 1000.0, key));
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
}

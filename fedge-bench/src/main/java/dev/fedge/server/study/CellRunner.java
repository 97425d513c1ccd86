package dev.fedge.server.study;

import dev.fedge.api.Parameters;
import dev.fedge.server.RoundResult;
import dev.fedge.server.sim.Simulation;
import dev.fedge.server.sim.SimulationConfig;
import dev.fedge.server.sim.SimulationProgress;
import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.StrategyStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one cell as a resumable unit. After every round it appends the round's row to the cell's
 * CSV, then writes the checkpoint of the global model, then the cell's JSON; a run killed at any
 * point leaves files from which the next run resumes with every round exactly once:
 *
 * <ul>
 *   <li>a complete cell (all rounds in the CSV, JSON says complete) is skipped;
 *   <li>otherwise the cell resumes after the last round that both the CSV and the checkpoint have
 *       (CSV rows after it are dropped and run again); without a usable checkpoint it starts over;
 *   <li>a strategy with server-side state (FedAdam's moments) also needs that state of the
 *       checkpoint's round, kept in float32 beside the cell's scratch folder ({@link #stateFile});
 *       without it the cell starts over;
 *   <li>local-only has no global model, so it needs no checkpoint: it resumes after the CSV's last
 *       round, but its clients' own models start again from the initial model (recorded in the
 *       JSON's {@code resumedAfter}).
 * </ul>
 *
 * <p>When the cell completes, its checkpoint is deleted.
 */
public final class CellRunner {

  /** Checkpoint metadata: the names of the strategy's state buffers saved with it, or empty. */
  static final String STRATEGY_STATE = "strategy_state";

  private final StudySettings settings;
  private final Path results;
  private final Path work;
  private final String command;
  private final Consumer<String> out;
  private Simulation.RoundHook afterRound = r -> {};

  /**
   * A runner.
   *
   * @param settings the study's settings
   * @param results the results folder (CSVs, JSONs, checkpoints)
   * @param work a scratch folder for the simulations' run folders
   * @param command the command line, recorded in each cell's JSON
   * @param out receives the progress lines
   */
  public CellRunner(
      StudySettings settings, Path results, Path work, String command, Consumer<String> out) {
    this.settings = settings;
    this.results = results;
    this.work = work;
    this.command = command;
    this.out = out;
  }

  /** Called after each round's files are written (tests use it to interrupt a run). */
  CellRunner afterRound(Simulation.RoundHook hook) {
    this.afterRound = hook;
    return this;
  }

  /** Whether an algorithm has a global model to checkpoint. */
  static boolean hasGlobalModel(String algorithm) {
    return !algorithm.equals("local-only");
  }

  /**
   * How far a cell is, from its files.
   *
   * @param cell the cell
   * @return the rounds in its CSV that form an unbroken run from round 1
   */
  public int roundsDone(StudyCell cell) throws IOException {
    return contiguous(new MetricsCsv(cell.csv(results)).read()).size();
  }

  /**
   * Runs or resumes a cell, or skips it when complete.
   *
   * @param cell the cell
   * @return the cell's record afterwards
   * @throws IOException when files cannot be read or written
   * @throws IllegalArgumentException when the cell's files were made with other settings
   */
  public CellRecord run(StudyCell cell) throws IOException {
    Path csvFile = cell.csv(results);
    Path jsonFile = cell.json(results);
    Path ckptFile = cell.checkpoint(results);
    MetricsCsv csv = new MetricsCsv(csvFile);
    CellRecord record = CellRecord.read(jsonFile);
    Map<String, Object> wanted = settings.toMap();
    if (record != null && !difference(record.settings(), wanted).isEmpty()) {
      throw new IllegalArgumentException(
          cell.label()
              + ": "
              + jsonFile
              + " was run with other "
              + "settings ("
              + String.join(", ", difference(record.settings(), wanted))
              + "); use another --results "
              + "folder, or delete the cell's files to start it over");
    }
    List<MetricsCsv.Row> rows = contiguous(csv.read());
    int done = rows.size();
    int rounds = settings.roundsFor(cell.algorithm());
    if (record != null && record.complete() && done >= rounds) {
      out.accept(
          String.format(Locale.ROOT, "[%s] complete (%d rounds), skipped", cell.label(), done));
      return record;
    }
    if (record == null) {
      record = new CellRecord(cell, wanted, 0, false, List.of(), List.of());
    }

    Path scratch =
        work.resolve(StudyCell.folderName(cell.partition()))
            .resolve(cell.algorithm() + "-s" + cell.seed());
    int resumeAfter = done;
    Parameters start = null;
    Map<String, float[]> startState = Map.of();
    if (done > 0 && hasGlobalModel(cell.algorithm())) {
      Checkpoint.Saved saved = Files.exists(ckptFile) ? readOrNull(ckptFile) : null;
      if (saved == null || saved.round() > done) {
        out.accept(
            String.format(
                Locale.ROOT,
                "[%s] %d rounds in the CSV but %s; starting over",
                cell.label(),
                done,
                saved == null
                    ? "no usable checkpoint"
                    : "the checkpoint is from round " + saved.round()));
        resumeAfter = 0;
      } else {
        resumeAfter = saved.round();
        start = saved.parameters();
        String needs = saved.metadata().getOrDefault(STRATEGY_STATE, "");
        if (!needs.isEmpty()) {
          StrategyStateFile.Saved st = readStateOrNull(stateFile(scratch, saved.round()));
          if (st == null || st.round() != saved.round()) {
            out.accept(
                String.format(
                    Locale.ROOT,
                    "[%s] the checkpoint of round %d needs %s's server-side state (%s) from %s,"
                        + " which is missing or unreadable (it stays on the machine that ran the"
                        + " cell); starting over",
                    cell.label(),
                    saved.round(),
                    cell.algorithm(),
                    needs,
                    stateFile(scratch, saved.round())));
            resumeAfter = 0;
            start = null;
          } else {
            startState = st.buffers();
          }
        }
      }
    }
    if (resumeAfter < rows.size() || rows.size() < csv.read().size()) {
      rewrite(csv, rows.subList(0, resumeAfter));
    }
    if (resumeAfter == 0) {
      Files.deleteIfExists(ckptFile);
    }
    deleteStates(scratch, resumeAfter);
    if (resumeAfter >= rounds) {
      CellRecord finished = record.completed(resumeAfter);
      finished.write(jsonFile);
      Files.deleteIfExists(ckptFile);
      out.accept(
          String.format(Locale.ROOT, "[%s] complete (%d rounds)", cell.label(), resumeAfter));
      return finished;
    }
    if (resumeAfter > 0) {
      out.accept(
          String.format(
              Locale.ROOT,
              "[%s] resuming after round %d of %d%s",
              cell.label(),
              resumeAfter,
              rounds,
              hasGlobalModel(cell.algorithm())
                  ? ""
                  : " (clients' own models start again from the initial model)"));
    } else {
      out.accept(
          String.format(Locale.ROOT, "[%s] starting: %d rounds", cell.label(), rounds));
    }
    String now = now();
    CellRecord[] current = {
      record.withRun(
          new CellRecord.Segment(
              command, Machine.describe(), now, now, resumeAfter + 1, resumeAfter),
          resumeAfter)
    };
    current[0].write(jsonFile);

    SimulationConfig cfg = settings.simulationConfig(cell, scratch);
    Simulation[] running = new Simulation[1];
    Simulation sim =
        new Simulation(cfg, progress(cell))
            .onRound(
                r -> {
                  csv.append(r);
                  boolean last = r.round() >= rounds;
                  if (hasGlobalModel(cell.algorithm()) && !last) {
                    // the strategy's state first, then the checkpoint that names it, then the
                    // previous round's state: a kill anywhere leaves a matching pair
                    Map<String, float[]> state = running[0].strategyState();
                    if (!state.isEmpty()) {
                      StrategyStateFile.write(stateFile(scratch, r.round()), r.round(), state);
                    }
                    Checkpoint.write(
                        ckptFile,
                        r.round(),
                        r.global(),
                        Map.of(
                            "cell",
                            cell.label(),
                            "settings",
                            wanted.toString(),
                            STRATEGY_STATE,
                            String.join(",", state.keySet())));
                    deleteStates(scratch, r.round());
                  }
                  current[0] = current[0].afterRound(r.round(), now(), last);
                  current[0].write(jsonFile);
                  if (last) {
                    Files.deleteIfExists(ckptFile);
                    deleteStates(scratch, -1);
                  }
                  afterRound.roundDone(r);
                });
    running[0] = sim;
    if (!hasGlobalModel(cell.algorithm())) {
      sim.wrapStrategy(s -> new EvaluateEvery(s, settings.evalEvery(), rounds));
    }
    if (resumeAfter > 0) {
      sim.resumeAfter(resumeAfter, start, startState);
    }
    sim.run();
    return current[0];
  }

  /**
   * The strategy's server-side state after a round (FedAdam's moments), in float32 next to the
   * cell's scratch run folder: kept out of the results folder (it is P floats per buffer), so a
   * cell with such state resumes only on the machine that ran it and starts over elsewhere.
   */
  static Path stateFile(Path scratch, int round) {
    return states(scratch).file(round);
  }

  private static StrategyStateFile.Series states(Path scratch) {
    return new StrategyStateFile.Series(
        scratch.toAbsolutePath().getParent(), scratch.getFileName() + ".strategy-state-");
  }

  /** Deletes the cell's state files of rounds other than {@code keep}. */
  private static void deleteStates(Path scratch, int keep) throws IOException {
    states(scratch).deleteExcept(keep);
  }

  private static StrategyStateFile.Saved readStateOrNull(Path file) {
    try {
      return Files.exists(file) ? StrategyStateFile.read(file) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Checkpoint.Saved readOrNull(Path file) {
    try {
      return Checkpoint.read(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private SimulationProgress progress(StudyCell cell) {
    return new SimulationProgress() {
      @Override
      public void info(String line) {
        if (!line.contains("\n") && !line.startsWith("partition ")) {
          out.accept("[" + cell.label() + "] " + line);
        }
      }

      @Override
      public void roundFinished(RoundResult r, int rounds) {
        StringBuilder sb =
            new StringBuilder(
                String.format(Locale.ROOT, "[%s] round %d/%d", cell.label(), r.round(), rounds));
        if (!Double.isNaN(r.accuracy())) {
          sb.append(
              String.format(Locale.ROOT, "  accuracy %.4f  loss %.4f", r.accuracy(), r.loss()));
        }
        Double train = r.metrics().get("train_loss");
        if (train != null) {
          sb.append(String.format(Locale.ROOT, "  train_loss %.4f", train));
        }
        sb.append(String.format(Locale.ROOT, "  clients %d", r.participants().size()));
        if (!r.failures().isEmpty()) {
          sb.append(" (").append(r.failures().size()).append(" failed)");
        }
        sb.append(String.format(Locale.ROOT, "  %.1fs", r.duration().toMillis() / 1000.0));
        out.accept(sb.toString());
      }
    };
  }

  /** The rows of rounds 1, 2, ... up to the first missing one. */
  static List<MetricsCsv.Row> contiguous(List<MetricsCsv.Row> rows) {
    List<MetricsCsv.Row> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> Integer.compare(a.round(), b.round()));
    List<MetricsCsv.Row> out = new ArrayList<>();
    for (MetricsCsv.Row r : sorted) {
      if (r.round() != out.size() + 1) {
        break;
      }
      out.add(r);
    }
    return out;
  }

  private static void rewrite(MetricsCsv csv, List<MetricsCsv.Row> keep) throws IOException {
    List<MetricsCsv.Row> copy = List.copyOf(keep);
    Path tmp = csv.file().resolveSibling(csv.file().getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    MetricsCsv t = new MetricsCsv(tmp);
    for (MetricsCsv.Row r : copy) {
      t.append(r);
    }
    if (copy.isEmpty()) {
      Files.deleteIfExists(csv.file());
    } else {
      Files.move(
          tmp,
          csv.file(),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The settings that differ, as {@code key: old there, new now}. */
  static List<String> difference(Map<String, Object> had, Map<String, Object> want) {
    List<String> diffs = new ArrayList<>();
    java.util.Set<String> keys = new java.util.LinkedHashSet<>(want.keySet());
    keys.addAll(had.keySet());
    for (String k : keys) {
      Object a = had.get(k);
      Object b = want.get(k);
      if (a == null || b == null || !String.valueOf(a).equals(String.valueOf(b))) {
        diffs.add(k + ": " + a + " there, " + b + " now");
      }
    }
    return diffs;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

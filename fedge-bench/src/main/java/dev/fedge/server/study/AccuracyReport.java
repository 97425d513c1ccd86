package dev.fedge.server.study;

import dev.fedge.server.report.SvgPlot;
import dev.fedge.server.store.MetricsCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;

/**
 * The study's report, built only from the files under a results folder (each cell's CSV and JSON):
 * a table of final and best test accuracy per algorithm and partition (mean over seeds), the gain
 * of the best federated algorithm over local-only and FedNTD minus FedAvg per partition, one SVG
 * plot per partition ({@code accuracy-<partition>.svg} beside the report), and how the cells were
 * run (commands, settings, machines, dates, rounds per cell). Unfinished cells are marked partial.
 *
 * <p>Text between {@value #NOTES_START} and {@value #NOTES_END} in an existing report is kept when
 * the report is rebuilt, so findings written by hand survive.
 */
public final class AccuracyReport {

  /** Start of the hand-written notes kept across rebuilds. */
  public static final String NOTES_START = "<!-- notes:start -->";

  /** End of the hand-written notes. */
  public static final String NOTES_END = "<!-- notes:end -->";

  private final Path results;
  private final Path file;
  private final String title;

  /**
   * A report.
   *
   * @param results the results folder
   * @param file the Markdown file to write; the plots go beside it
   * @param title the report's title
   */
  public AccuracyReport(Path results, Path file, String title) {
    this.results = results;
    this.file = file;
    this.title = title;
  }

  /** The Markdown file. */
  public Path file() {
    return file;
  }

  /**
   * One cell as found on disk.
   *
   * @param record its JSON
   * @param rows its CSV rows of rounds 1..n without gaps
   */
  public record CellData(CellRecord record, List<MetricsCsv.Row> rows) {

    /** Copies. */
    public CellData {
      rows = List.copyOf(rows);
    }

    /** Rounds the cell should have ({@link StudySettings#roundsFor}). */
    public int target() {
      Object r = record.settings().get("rounds");
      Object f = record.settings().get("fraction");
      int rounds = r instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(r));
      double fraction =
          f == null
              ? 1.0
              : f instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(f));
      return StudySettings.roundsFor(record.cell().algorithm(), rounds, fraction);
    }

    /** Whether all rounds are done. */
    public boolean complete() {
      return rows.size() >= target();
    }

    /** The last measured accuracy (NaN when none). */
    public double finalAccuracy() {
      for (int i = rows.size() - 1; i >= 0; i--) {
        if (Double.isFinite(rows.get(i).accuracy())) {
          return rows.get(i).accuracy();
        }
      }
      return Double.NaN;
    }

    /**
     * The mean of the last {@code n} measured accuracies (NaN when none): a steadier end point than
     * the last round when the curve swings from round to round.
     */
    public double lastMeanAccuracy(int n) {
      double sum = 0;
      int k = 0;
      for (int i = rows.size() - 1; i >= 0 && k < n; i--) {
        if (Double.isFinite(rows.get(i).accuracy())) {
          sum += rows.get(i).accuracy();
          k++;
        }
      }
      return k == 0 ? Double.NaN : sum / k;
    }

    /** The best measured accuracy (NaN when none). */
    public double bestAccuracy() {
      return rows.stream()
          .mapToDouble(MetricsCsv.Row::accuracy)
          .filter(Double::isFinite)
          .max()
          .orElse(Double.NaN);
    }

    /** The accuracy at a round (NaN when not measured). */
    public double accuracyAt(int round) {
      return round >= 1 && round <= rows.size() ? rows.get(round - 1).accuracy() : Double.NaN;
    }

    /** Mean round time in seconds. */
    public double meanSeconds() {
      return rows.stream().mapToDouble(MetricsCsv.Row::seconds).average().orElse(Double.NaN);
    }
  }

  /**
   * Reads every cell under the results folder.
   *
   * @return the cells, in the study's order
   */
  public List<CellData> cells() throws IOException {
    List<CellData> cells = new ArrayList<>();
    if (!Files.isDirectory(results)) {
      return cells;
    }
    List<Path> jsons;
    try (Stream<Path> s = Files.walk(results, 2)) {
      jsons = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path json : jsons) {
      CellRecord rec = CellRecord.read(json);
      Path csv = rec.cell().csv(results);
      cells.add(new CellData(rec, CellRunner.contiguous(new MetricsCsv(csv).read())));
    }
    cells.sort(
        Comparator.comparingInt(
                (CellData c) -> order(partitions(cells), c.record().cell().partition()))
            .thenComparingInt(c -> order(algorithms(cells), c.record().cell().algorithm()))
            .thenComparingLong(c -> c.record().cell().seed()));
    return cells;
  }

  /** Writes the report and its plots. */
  public void write() throws IOException {
    List<CellData> cells = cells();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    for (String p : partitions(cells)) {
      if (hasData(cells, p)) {
        plot(cells, p).write(dir.resolve(plotName(p)));
      }
    }
    Files.writeString(file, render(cells, keptNotes()), StandardCharsets.UTF_8);
  }

  /** The plot file name of a partition. */
  public static String plotName(String partition) {
    return "accuracy-" + StudyCell.folderName(partition) + ".svg";
  }

  private String keptNotes() throws IOException {
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int a = old.indexOf(NOTES_START);
      int b = old.indexOf(NOTES_END);
      if (a >= 0 && b > a) {
        return old.substring(a + NOTES_START.length(), b).strip();
      }
    }
    return "(none yet)";
  }

  /** Mean of a value over the seeds of (algorithm, partition); NaN when no seed has it. */
  private static double mean(
      List<CellData> seeds, java.util.function.ToDoubleFunction<CellData> f) {
    return seeds.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  /**
   * The seeds of (algorithm, partition) that the summaries average: the complete ones when any is
   * complete (a seed still running would pull the mean back to an earlier round), else every seed
   * that has rounds.
   */
  private static List<CellData> of(List<CellData> cells, String algorithm, String partition) {
    List<CellData> all = started(cells, algorithm, partition);
    List<CellData> complete = all.stream().filter(CellData::complete).toList();
    return complete.isEmpty() ? all : complete;
  }

  /** Every seed of (algorithm, partition) that has rounds. */
  private static List<CellData> started(
      List<CellData> cells, String algorithm, String partition) {
    return cells.stream()
        .filter(
            c ->
                c.record().cell().algorithm().equals(algorithm)
                    && c.record().cell().partition().equals(partition)
                    && !c.rows().isEmpty())
        .toList();
  }

  /**
   * The mean of a per-round value over rounds {@code r - 9 .. r} where it is measured (NaN when it
   * is measured in none).
   */
  private static double meanOfLast10(IntToDoubleFunction perRound, int r) {
    double sum = 0;
    int n = 0;
    for (int k = Math.max(1, r - 9); k <= r; k++) {
      double v = perRound.applyAsDouble(k);
      if (Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The cells of {@code these} whose seed is also among {@code others}' seeds. */
  private static List<CellData> sameSeeds(List<CellData> these, List<CellData> others) {
    Set<Long> seeds = new LinkedHashSet<>();
    others.forEach(c -> seeds.add(c.record().cell().seed()));
    List<CellData> out =
        these.stream().filter(c -> seeds.contains(c.record().cell().seed())).toList();
    return out.isEmpty() ? these : out;
  }

  /**
   * Renders the Markdown.
   *
   * @param cells the cells
   * @param notes the hand-written notes to keep
   * @return the report
   */
  String render(List<CellData> cells, String notes) {
    List<String> parts = partitions(cells);
    List<String> algs = algorithms(cells);
    // the status counts seed 1, the study's cells; further seeds are extra samples of them
    List<CellData> firstSeed = cells.stream().filter(c -> c.record().cell().seed() == 1).toList();
    long complete = firstSeed.stream().filter(CellData::complete).count();
    long started = firstSeed.stream().filter(c -> !c.rows().isEmpty()).count();
    List<CellData> extra = cells.stream().filter(c -> c.record().cell().seed() != 1).toList();
    int expected = CellSelection.ALGORITHMS.size() * CellSelection.PARTITIONS.size();
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append("*Built by `fedge bench accuracy` from the per-cell files under `")
        .append(display(results))
        .append("/` (")
        .append(now())
        .append("). Do not edit by hand, except between the notes markers at the end.*\n\n");
    boolean allDone = complete == firstSeed.size() && firstSeed.size() >= expected;
    sb.append(
        String.format(
            Locale.ROOT,
            "**Status: %s.** %d cells complete, %d partial, of the %d"
                + " cells of the study (%d algorithms x %d partitions, seed 1).",
            allDone ? "complete" : "partial",
            complete,
            started - complete,
            expected,
            CellSelection.ALGORITHMS.size(),
            CellSelection.PARTITIONS.size()));
    if (!extra.isEmpty()) {
      sb.append(
          String.format(
              Locale.ROOT,
              " Further seeds: %d cell%s (%d complete), listed under *Per seed*.",
              extra.size(),
              extra.size() == 1 ? "" : "s",
              extra.stream().filter(CellData::complete).count()));
    }
    sb.append("\n\n");

    sb.append("## Test accuracy\n\n");
    Map<String, Object> first = cells.isEmpty() ? Map.of() : cells.get(0).record().settings();
    sb.append(
        "Accuracy (%) after the last round done (\"final\"), the mean over the last 10 rounds"
            + " evaluated (\"last 10\", steadier than one round when the curve swings), and the"
            + " best over the rounds (\"best\"); federated algorithms: the global model on the"
            + " central test set;"
            + " local-only: the example-weighted mean accuracy of every client's own model on the"
            + " test images each client evaluates. Mean over seeds when a cell has several. ");
    sb.append(
        "A cell short of its rounds shows how many it has, e.g. *(r23/50)*: such numbers "
            + "are partial.\n\n");
    sb.append("| algorithm |");
    for (String p : parts) {
      sb.append(" ").append(p).append(" final | last 10 | best |");
    }
    sb.append("\n|---|");
    sb.append("---:|---:|---:|".repeat(parts.size()));
    sb.append("\n");
    for (String a : algs) {
      sb.append("| ").append(a).append(" |");
      for (String p : parts) {
        List<CellData> seeds = of(cells, a, p);
        if (seeds.isEmpty()) {
          sb.append(" not run | | |");
          continue;
        }
        int rounds = seeds.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int target = seeds.get(0).target();
        String mark =
            rounds < target ? String.format(Locale.ROOT, " *(r%d/%d)*", rounds, target) : "";
        int running = started(cells, a, p).size() - seeds.size();
        String n =
            (seeds.size() > 1 ? " (" + seeds.size() + " seeds)" : "")
                + (running > 0 ? " (+" + running + " seed running)" : "");
        sb.append(" ")
            .append(pct(mean(seeds, CellData::finalAccuracy)))
            .append(mark)
            .append(n)
            .append(" | ")
            .append(pct(mean(seeds, c -> c.lastMeanAccuracy(10))))
            .append(" | ")
            .append(pct(mean(seeds, CellData::bestAccuracy)))
            .append(" |");
      }
      sb.append("\n");
    }
    sb.append("\n");

    sb.append("## Collaboration gain and FedNTD vs. FedAvg\n\n");
    sb.append(
        "Points of accuracy, from the final numbers above. *Best federated*: the federated"
            + " algorithm with the highest final accuracy on that partition. FedNTD − FedAvg is"
            + " also given at the last round both have (when their rounds differ) and as the"
            + " mean difference over the last 10 rounds both have (the curves swing by several"
            + " points from round to round under non-IID data, so one round is a noisy"
            + " sample).\n\n");
    sb.append(
        "| partition | best federated (final) | local-only (final) | gain | FedNTD − FedAvg "
            + "(final) | FedNTD − FedAvg at the last common round | FedNTD − FedAvg, mean of the"
            + " last 10 common rounds |\n|---|---|---:|---:|---:|---:|---:|\n");
    Map<String, Double> gains = new LinkedHashMap<>();
    Map<String, Double> ntdDiffs = new LinkedHashMap<>();
    for (String p : parts) {
      String bestAlg = null;
      double bestFinal = Double.NaN;
      for (String a : algs) {
        if (a.equals("local-only")) {
          continue;
        }
        double f = mean(of(cells, a, p), CellData::finalAccuracy);
        if (Double.isFinite(f) && (bestAlg == null || f > bestFinal)) {
          bestAlg = a;
          bestFinal = f;
        }
      }
      List<CellData> local = of(cells, "local-only", p);
      double localFinal = mean(local, CellData::finalAccuracy);
      double gain = bestFinal - localFinal;
      gains.put(p, gain);
      // the same seeds on both sides where they share any: a seed is a partition and a sample
      List<CellData> ntd = sameSeeds(of(cells, "fedntd", p), of(cells, "fedavg", p));
      List<CellData> avg = sameSeeds(of(cells, "fedavg", p), ntd);
      double diff = mean(ntd, CellData::finalAccuracy) - mean(avg, CellData::finalAccuracy);
      ntdDiffs.put(p, diff);
      String common = "n/a";
      String last10 = "n/a";
      if (!ntd.isEmpty() && !avg.isEmpty()) {
        int rn = ntd.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int ra = avg.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int r = Math.min(rn, ra);
        double atCommon = mean(ntd, c -> c.accuracyAt(r)) - mean(avg, c -> c.accuracyAt(r));
        if (rn != ra) {
          ntdDiffs.put(p, atCommon); // the targets compare the two at the same round
        }
        common = String.format(Locale.ROOT, "%s (round %d)", points(atCommon), r);
        double lead =
            meanOfLast10(
                k -> mean(ntd, c -> c.accuracyAt(k)) - mean(avg, c -> c.accuracyAt(k)), r);
        last10 =
            Double.isFinite(lead)
                ? String.format(
                    Locale.ROOT, "%s (rounds %d-%d)", points(lead), Math.max(1, r - 9), r)
                : "n/a";
      }
      sb.append("| ")
          .append(p)
          .append(" | ")
          .append(
              bestAlg == null ? "n/a" : bestAlg + " " + pct(bestFinal) + partial(cells, bestAlg, p))
          .append(" | ")
          .append(local.isEmpty() ? "not run" : pct(localFinal) + partial(cells, "local-only", p))
          .append(" | ")
          .append(points(gain))
          .append(" | ")
          .append(points(diff))
          .append(" | ")
          .append(common)
          .append(" | ")
          .append(last10)
          .append(" |\n");
    }
    sb.append(
            "\nTargets (issue 4): best federated vs. the average local-only client ≥ +6 points "
                + "on `shards:2`: **")
        .append(verdict(gains.get("shards:2"), 0.06))
        .append("**; FedNTD ahead of FedAvg on `shards:2`: **")
        .append(verdict(ntdDiffs.get("shards:2"), 0))
        .append("**, on `dirichlet:0.1`: **")
        .append(verdict(ntdDiffs.get("dirichlet:0.1"), 0))
        .append("**")
        .append(
            allDone
                ? "."
                : " (from partial cells where marked; FedNTD and FedAvg are compared at the last"
                    + " round both have, final accuracy when they have the same rounds).")
        .append("\n\n");

    perSeed(sb, cells, parts, algs);

    sb.append("## Accuracy per round\n\n");
    for (String p : parts) {
      if (hasData(cells, p)) {
        sb.append("![test accuracy per round on ")
            .append(p)
            .append("](")
            .append(plotName(p))
            .append(")\n\n");
      } else {
        sb.append("`").append(p).append("`: no cell has run yet.\n\n");
      }
    }

    sb.append("## How it was run\n\n");
    Set<String> commands = new LinkedHashSet<>();
    Set<String> machines = new LinkedHashSet<>();
    String firstStart = null;
    String lastUpdate = null;
    for (CellData c : cells) {
      for (CellRecord.Segment s : c.record().runs()) {
        commands.add(s.command());
        machines.add(s.machine());
        firstStart =
            firstStart == null || s.started().compareTo(firstStart) < 0 ? s.started() : firstStart;
        lastUpdate =
            lastUpdate == null || s.updated().compareTo(lastUpdate) > 0 ? s.updated() : lastUpdate;
      }
    }
    sb.append(
        "Commands (from the repository root; each run adds rounds to the cells it names, "
            + "skipping complete ones and resuming unfinished ones):\n\n");
    for (String c : commands) {
      sb.append("    ").append(c).append("\n");
    }
    sb.append(
        "\nSettings (every cell's JSON holds its own; cells that differ are listed below):"
            + "\n\n| setting | value |\n|---|---|\n");
    first.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    sb.append(
        "\n"
            + "Always: SGD without weight decay, momentum buffers reset every round; strategy"
            + " options at their defaults (fedprox mu 0.01; fedntd tau 1, beta 1; fedadam eta 0.01,"
            + " eta_l = lr, beta_1 0.9, beta_2 0.99, tau 1e-3); central evaluation of the global"
            + " model after every round; local-only trains every client every round (it ignores the"
            + " sampling fraction) for `rounds` × `fraction` rounds, so that each client trains"
            + " the local epochs the average client of a federated cell trains (each is sampled in"
            + " `fraction` of the rounds), and evaluates every `eval-every` rounds and at its last"
            + " round.\n\n");
    sb.append("Machines:\n\n");
    for (String m : machines) {
      sb.append("- ").append(m).append("\n");
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nDates (UTC): first run started %s, last round " + "finished %s.%n%n",
            firstStart == null ? "n/a" : firstStart,
            lastUpdate == null ? "n/a" : lastUpdate));
    sb.append(
        "| cell | rounds | status | resumed after round | mean s/round | runs (UTC) |\n"
            + "|---|---:|---|---|---:|---|\n");
    for (CellData c : cells) {
      StudyCell cell = c.record().cell();
      List<String> runs = new ArrayList<>();
      for (CellRecord.Segment s : c.record().runs()) {
        if (s.lastRound() >= s.firstRound()) {
          runs.add(
              String.format(
                  Locale.ROOT,
                  "r%d-%d %s → %s",
                  s.firstRound(),
                  s.lastRound(),
                  s.started(),
                  s.updated()));
        }
      }
      List<String> diff = CellRunner.difference(c.record().settings(), first);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d/%d | %s%s | %s | %s | %s |%n",
              cell.label(),
              c.rows().size(),
              c.target(),
              c.complete() ? "complete" : "partial",
              diff.isEmpty() ? "" : " (other settings: " + String.join("; ", diff) + ")",
              c.record().resumedAfter().isEmpty() ? "-" : c.record().resumedAfter().toString(),
              c.rows().isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", c.meanSeconds()),
              String.join("; ", runs)));
    }
    List<String> remaining = new ArrayList<>();
    for (String p : CellSelection.PARTITIONS) {
      for (String a : CellSelection.ALGORITHMS) {
        List<CellData> seeds = started(cells, a, p);
        if (seeds.isEmpty()) {
          remaining.add(a + ":" + p + " (not run)");
        }
        for (CellData c : seeds) {
          long seed = c.record().cell().seed();
          if (!c.complete()) {
            remaining.add(
                String.format(
                    Locale.ROOT,
                    "%s:%s%s (%d/%d rounds)",
                    a,
                    p,
                    seed == 1 ? "" : " seed " + seed,
                    c.rows().size(),
                    c.target()));
          }
        }
      }
    }
    sb.append("\nStill to run: ")
        .append(remaining.isEmpty() ? "nothing." : String.join(", ", remaining) + ".")
        .append(
            " Rerunning `./fedge bench accuracy` (or with `--cells` for a part) completes them;")
        .append(" complete cells are skipped.\n");
    sb.append("\nFiles: `<partition>/<algorithm>-s<seed>.csv` (one row per round: ")
        .append("`")
        .append(MetricsCsv.HEADER)
        .append(
            "`), `.json` (settings, runs) and, while a cell is unfinished, `.ckpt.safetensors` (its"
                + " global model after the last round, float16, 3.3 MB for the cnn; deleted when"
                + " the cell completes). A resumed cell starts again from that checkpoint, so its"
                + " global model is rounded to float16 once. FedAdam's server moments are saved"
                + " in float32 beside the scratch folder (`bench/work`, not committed): a FedAdam"
                + " cell resumes with them on the machine that ran it and from zero elsewhere."
                + " Local-only's per-client models are not checkpointed and start again from the"
                + " initial model after a resume (the cell table lists resumes).\n\n");

    sb.append("## Notes\n\n")
        .append(NOTES_START)
        .append("\n")
        .append(notes)
        .append("\n")
        .append(NOTES_END)
        .append("\n");
    return sb.toString();
  }

  /**
   * The per-seed numbers of every (algorithm, partition) run with more than one seed, and FedNTD −
   * FedAvg per seed: how far one seed's result is from another's is the noise the means hide.
   */
  private static void perSeed(
      StringBuilder sb, List<CellData> cells, List<String> parts, List<String> algs) {
    List<CellData> rows = new ArrayList<>();
    for (String p : parts) {
      for (String a : algs) {
        List<CellData> seeds = started(cells, a, p);
        if (seeds.size() > 1) {
          rows.addAll(seeds);
        }
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    sb.append("## Per seed\n\n");
    sb.append(
        "Every (algorithm, partition) run with more than one seed; the seed draws the partition,"
            + " the initial model, the clients sampled and the batches. A seed still running is"
            + " left out of the means above while another seed of its cell is complete.\n\n"
            + "| algorithm | partition | seed | rounds | final | last 10 | best |\n"
            + "|---|---|---:|---:|---:|---:|---:|\n");
    for (CellData c : rows) {
      StudyCell cell = c.record().cell();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d/%d | %s | %s | %s |%n",
              cell.algorithm(),
              cell.partition(),
              cell.seed(),
              c.rows().size(),
              c.target(),
              pct(c.finalAccuracy()),
              pct(c.lastMeanAccuracy(10)),
              pct(c.bestAccuracy())));
    }
    List<String> diffs = new ArrayList<>();
    for (String p : parts) {
      List<CellData> avgs = started(cells, "fedavg", p);
      for (CellData ntd : started(cells, "fedntd", p)) {
        long seed = ntd.record().cell().seed();
        CellData avg =
            avgs.stream().filter(c -> c.record().cell().seed() == seed).findFirst().orElse(null);
        if (avg == null) {
          continue;
        }
        int r = Math.min(ntd.rows().size(), avg.rows().size());
        diffs.add(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %s |%n",
                p,
                seed,
                r,
                points(ntd.accuracyAt(r) - avg.accuracyAt(r)),
                points(meanOfLast10(k -> ntd.accuracyAt(k) - avg.accuracyAt(k), r))));
      }
    }
    if (!diffs.isEmpty()) {
      sb.append(
          "\nFedNTD − FedAvg per seed, at the last round both have and over the last 10 rounds"
              + " both have:\n\n| partition | seed | round | at that round | last 10 |\n"
              + "|---|---:|---:|---:|---:|\n");
      diffs.forEach(sb::append);
    }
    sb.append("\n");
  }

  /** The plot of one partition: one line per algorithm (mean over seeds), accuracy per round. */
  SvgPlot plot(List<CellData> cells, String partition) {
    String dataset =
        cells.isEmpty()
            ? ""
            : String.valueOf(cells.get(0).record().settings().getOrDefault("dataset", ""));
    SvgPlot plot =
        new SvgPlot(
                dataset + ", " + partition + ": test accuracy per round", "round", "test accuracy")
            .yRange(0, 1);
    for (String a : algorithms(cells)) {
      List<CellData> seeds = of(cells, a, partition);
      if (seeds.isEmpty()) {
        continue;
      }
      if (!CellRunner.hasGlobalModel(a)) {
        // Its few rounds are local epochs, not rounds of a federation: a dashed baseline.
        int last = seeds.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        plot.add(
            new SvgPlot.Level(
                a + " (" + last * localEpochs(seeds.get(0)) + " local epochs)",
                mean(seeds, CellData::finalAccuracy)));
        continue;
      }
      int rounds = seeds.stream().mapToInt(c -> c.rows().size()).max().orElse(0);
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        final int round = r;
        double y = mean(seeds, c -> c.accuracyAt(round));
        if (Double.isFinite(y)) {
          xs.add((double) r);
          ys.add(y);
        }
      }
      plot.add(
          new SvgPlot.Series(
              a,
              xs.stream().mapToDouble(Double::doubleValue).toArray(),
              ys.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return plot;
  }

  private static int localEpochs(CellData cell) {
    Object e = cell.record().settings().get("local-epochs");
    return e instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(e));
  }

  private static String partial(List<CellData> cells, String algorithm, String partition) {
    List<CellData> seeds = of(cells, algorithm, partition);
    int rounds = seeds.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
    int target = seeds.isEmpty() ? 0 : seeds.get(0).target();
    return rounds < target ? String.format(Locale.ROOT, " *(r%d/%d)*", rounds, target) : "";
  }

  private static String verdict(Double value, double threshold) {
    if (value == null || !Double.isFinite(value)) {
      return "not measured yet";
    }
    return (value > threshold || (threshold > 0 && value >= threshold) ? "met" : "not met")
        + " ("
        + points(value)
        + ")";
  }

  private static boolean hasData(List<CellData> cells, String partition) {
    return cells.stream()
        .anyMatch(c -> c.record().cell().partition().equals(partition) && !c.rows().isEmpty());
  }

  /** The study's partitions, then any other found, in a stable order. */
  private static List<String> partitions(List<CellData> cells) {
    Set<String> found = new LinkedHashSet<>();
    cells.forEach(c -> found.add(c.record().cell().partition()));
    List<String> out = new ArrayList<>(CellSelection.PARTITIONS);
    found.removeAll(CellSelection.PARTITIONS);
    out.addAll(new TreeMap<String, Boolean>(toMap(found)).keySet());
    return out;
  }

  /** The study's algorithms, then any other found, in a stable order. */
  private static List<String> algorithms(List<CellData> cells) {
    Set<String> found = new LinkedHashSet<>();
    cells.forEach(c -> found.add(c.record().cell().algorithm()));
    List<String> out = new ArrayList<>(CellSelection.ALGORITHMS);
    found.removeAll(CellSelection.ALGORITHMS);
    out.addAll(new TreeMap<String, Boolean>(toMap(found)).keySet());
    return out;
  }

  private static Map<String, Boolean> toMap(Set<String> s) {
    Map<String, Boolean> m = new LinkedHashMap<>();
    s.forEach(k -> m.put(k, true));
    return m;
  }

  private static int order(List<String> list, String value) {
    int i = list.indexOf(value);
    return i < 0 ? list.size() : i;
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", 100 * v) : "n/a";
  }

  private static String points(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", 100 * v) : "n/a";
  }

  private static String display(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

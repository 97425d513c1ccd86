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
  static double mean(
      List<CellData> seeds, java.util.function.ToDoubleFunction<CellData> f) {
    return seeds.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  /**
   * The seeds of (algorithm, partition) that the summaries average: the complete ones when any is
   * complete (a seed still running would pull the mean back to an earlier round), else every seed
   * that has rounds.
   */
  static List<CellData> of(List<CellData> cells, String algorithm, String partition) {
    List<CellData> all = started(cells, algorithm, partition);
    List<CellData> complete = all.stream().filter(CellData::complete).toList();
    return complete.isEmpty() ? all : complete;
  }

  /** Every seed of (algorithm, partition) that has rounds. */
  static List<CellData> started(
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
  static double meanOfLast10(IntToDoubleFunction perRound, int r) {
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
  static List<CellData> sameSeeds(List<CellData> these, List<CellData> others) {
    Set<Long> seeds = new LinkedHashSet<>();
    others.forEach(c -> seeds.add(c.record().cell().seed()));
    List<CellData> out =
        these.stream().filter(c -> seeds.contains(c.record().cell().seed())).toList();
    return out.isEmpty() ? these : out;
  }

  /** The report's Markdown for these cells, with the notes kept between the markers. */
  String render(List<CellData> cells, String notes) {
    return new ReportText(title, results).render(cells, notes);
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

  static String partial(List<CellData> cells, String algorithm, String partition) {
    List<CellData> seeds = of(cells, algorithm, partition);
    int rounds = seeds.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
    int target = seeds.isEmpty() ? 0 : seeds.get(0).target();
    return rounds < target ? String.format(Locale.ROOT, " *(r%d/%d)*", rounds, target) : "";
  }

  static String verdict(Double value, double threshold) {
    if (value == null || !Double.isFinite(value)) {
      return "not measured yet";
    }
    return (value > threshold || (threshold > 0 && value >= threshold) ? "met" : "not met")
        + " ("
        + points(value)
        + ")";
  }

  static boolean hasData(List<CellData> cells, String partition) {
    return cells.stream()
        .anyMatch(c -> c.record().cell().partition().equals(partition) && !c.rows().isEmpty());
  }

  /** The study's partitions, then any other found, in a stable order. */
  static List<String> partitions(List<CellData> cells) {
    Set<String> found = new LinkedHashSet<>();
    cells.forEach(c -> found.add(c.record().cell().partition()));
    List<String> out = new ArrayList<>(CellSelection.PARTITIONS);
    found.removeAll(CellSelection.PARTITIONS);
    out.addAll(new TreeMap<String, Boolean>(toMap(found)).keySet());
    return out;
  }

  /** The study's algorithms, then any other found, in a stable order. */
  static List<String> algorithms(List<CellData> cells) {
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

  static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", 100 * v) : "n/a";
  }

  static String points(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.2f", 100 * v) : "n/a";
  }

  static String display(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

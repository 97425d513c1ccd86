package dev.fedge.server.store;

import dev.fedge.server.RoundResult;
import dev.fedge.server.settings.RunSettings;
import dev.fedge.server.settings.Widths;
import dev.fedge.strategy.HeteroFl;
import dev.fedge.strategy.LocalWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A run's per-round metrics as CSV, one row per completed round, written by {@code simulate} and
 * by the server alike. Columns: {@value #HEADER}. {@code accuracy} is a fraction in [0, 1]; it is
 * the central test accuracy, or, for strategies without a global model (local-only), the clients'
 * example-weighted accuracy. Empty cells mean "not measured".
 *
 * <p>A re-identification run ({@code task=reid}) has four more columns at the end, {@value
 * #REID_COLUMNS}: CMC rank-1/5/10 and mAP in [0, 1] of the central query/gallery evaluation (or,
 * without a global model, the clients' example-weighted ones); its {@code accuracy} and {@code loss}
 * are empty (retrieval has neither). Then {@value #CLIENT_REID_COLUMNS}: the devices' own
 * retrieval evaluation, example-weighted (empty when none evaluated).
 */
public final class MetricsCsv {

  /** The header row. */
  public static final String HEADER =
      "round,accuracy,loss,client_accuracy,client_loss,train_loss,participants,failures,seconds";

  /** The re-identification columns, after {@link #HEADER}'s. */
  public static final String REID_COLUMNS = "rank1,rank5,rank10,mAP";

  /**
   * The devices' own retrieval evaluation (their example-weighted rank-1/5/10 and mAP, the
   * retrieval counterpart of {@code client_accuracy}), after {@link #REID_COLUMNS} in a
   * re-identification run; empty when no device evaluated.
   */
  public static final String CLIENT_REID_COLUMNS =
      "client_rank1,client_rank5,client_rank10,client_mAP";

  private static final String[] COLUMNS = HEADER.split(",");

  private static final String[] REID = REID_COLUMNS.split(",");

  private static final String[] CLIENT_REID = CLIENT_REID_COLUMNS.split(",");

  /** The re-ID columns' names ({@link #REID_COLUMNS} and {@link #CLIENT_REID_COLUMNS}). */
  private static final java.util.Set<String> REID_NAMES = java.util.Set.of(
      (REID_COLUMNS + "," + CLIENT_REID_COLUMNS).split(","));

  private static final String[] WITH_REID =
      (HEADER + "," + REID_COLUMNS + "," + CLIENT_REID_COLUMNS).split(",");

  /**
   * Comma-separated, quoted only where a cell needs it, lines ended as the platform ends them (as
   * {@code BufferedWriter.newLine} did before), blank lines skipped and cells trimmed on read.
   */
  static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setRecordSeparator(System.lineSeparator())
      .setIgnoreSurroundingSpaces(true)
      .get();

  private final Path file;
  private final boolean reid;
  private final List<String> extras;

  /** A metrics file (created with its header on first append). */
  public MetricsCsv(Path file) {
    this(file, false);
  }

  /**
   * A metrics file, with the re-identification columns or without.
   *
   * @param file the file
   * @param reid whether rows have {@value #REID_COLUMNS}
   */
  public MetricsCsv(Path file, boolean reid) {
    this(file, reid, List.of());
  }

  /**
   * A metrics file with more columns at the end ({@link #extraColumns}): central evaluation
   * metrics by name (HeteroFL's {@code accuracy_w0.5}, ...), else the round's metrics by name
   * ({@code steps_min}, ...), kept in the rows' {@link Row#reid()} map by column name.
   *
   * @param file the file
   * @param reid whether rows have {@value #REID_COLUMNS}
   * @param extras the names of the central metrics written after them
   */
  public MetricsCsv(Path file, boolean reid, List<String> extras) {
    this.file = file;
    this.reid = reid;
    this.extras = List.copyOf(extras);
  }

  /**
   * The columns a run's settings add after the fixed ones: HeteroFL's per-width central accuracy
   * ({@code accuracy_w0.5}, ... for each width below 1) and, with deadline-sized local work, the
   * local steps of the round's slowest and fastest client ({@value LocalWork#STEPS_MIN}, {@value
   * LocalWork#STEPS_MAX}).
   *
   * @param settings the run's settings
   * @return the column names, in order
   */
  public static List<String> extraColumns(RunSettings settings) {
    List<String> out = new ArrayList<>();
    Widths widths = settings.widthSettings();
    if (widths != null) {
      widths.distinct().stream().filter(w -> w < 1)
          .forEach(w -> out.add("accuracy_w" + HeteroFl.label(w)));
    }
    if (settings.deadlineSized()) {
      out.add(LocalWork.STEPS_MIN);
      out.add(LocalWork.STEPS_MAX);
    }
    return out;
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** Appends the row of a round (and the header when the file is new). */
  public void append(RoundResult r) throws IOException {
    append(
        new Row(
            r.round(),
            r.accuracy(),
            r.loss(),
            r.clientEval().map(e -> e.accuracy()).orElse(Double.NaN),
            r.clientEval().map(e -> e.loss()).orElse(Double.NaN),
            r.metrics().getOrDefault("train_loss", Double.NaN),
            r.participants().size(),
            r.failures().size(),
            r.duration().toMillis() / 1000.0,
            extraMetrics(r)));
  }

  private Map<String, Double> extraMetrics(RoundResult r) {
    Map<String, Double> m = new LinkedHashMap<>(reid ? reidMetrics(r) : Map.of());
    Map<String, Double> central = r.central().map(e -> e.metrics()).orElse(Map.of());
    for (String k : extras) {
      putIfPresent(m, k, central.containsKey(k) ? central.get(k) : r.metrics().get(k));
    }
    return m;
  }

  /**
   * The round's re-identification metrics: central ones (else the clients') as {@value
   * #REID_COLUMNS}, and the clients' as {@value #CLIENT_REID_COLUMNS}.
   */
  private static Map<String, Double> reidMetrics(RoundResult r) {
    Map<String, Double> all = r.central().or(() -> r.clientEval())
        .map(e -> e.metrics()).orElse(Map.of());
    Map<String, Double> clients = r.clientEval().map(e -> e.metrics()).orElse(Map.of());
    Map<String, Double> m = new LinkedHashMap<>();
    for (String k : REID) {
      if (all.containsKey(k)) {
        m.put(k, all.get(k));
      }
    }
    for (String k : REID) {
      if (clients.containsKey(k)) {
        m.put("client_" + k, clients.get(k));
      }
    }
    return m;
  }

  /** Whether rows have columns beyond {@link #HEADER}'s (re-ID or extra ones). */
  public boolean hasOptionalColumns() {
    return reid || !extras.isEmpty();
  }

  /**
   * A recorded round's re-ID and extra columns from the metrics the state database keeps for it,
   * as {@link #append(RoundResult)} writes them from the round: there the central evaluation's
   * are prefixed {@code central_}, the devices' {@code client_}, and the round's own are bare.
   *
   * @param stored the round's stored metrics
   * @return the cells by column name, for {@link Row#reid()}
   */
  public Map<String, Double> storedColumns(Map<String, Double> stored) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (reid) {
      for (String k : REID) { // the central evaluation's, else the devices'
        putIfPresent(out, k, stored.getOrDefault("central_" + k, stored.get("client_" + k)));
      }
      for (String k : CLIENT_REID) {
        putIfPresent(out, k, stored.get(k));
      }
    }
    for (String k : extras) {
      putIfPresent(out, k, stored.getOrDefault("central_" + k, stored.get(k)));
    }
    return out;
  }

  private static void putIfPresent(Map<String, Double> out, String column, Double value) {
    if (value != null) {
      out.put(column, value);
    }
  }

  private String[] columns(boolean withReid) {
    List<String> c = new ArrayList<>(List.of(withReid ? WITH_REID : COLUMNS));
    c.addAll(extras);
    return c.toArray(new String[0]);
  }

  /** Appends a row (and the header when the file is new). */
  public void append(Row row) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), FORMAT)) {
      if (fresh) {
        p.printRecord((Object[]) columns(reid));
      }
      p.printRecord(row.cells(reid, extras));
    }
  }

  /**
   * Replaces the file's rows by these, atomically: the rows are written to a temporary file beside
   * it, which is then renamed over it, so a crash leaves the old file or the new one.
   *
   * @param rows the rows, in order
   * @throws IOException when the file cannot be written
   */
  public void replaceAll(List<Row> rows) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (CSVPrinter p = new CSVPrinter(
          Files.newBufferedWriter(tmp, StandardCharsets.UTF_8), FORMAT)) {
        // rows' maps also hold the extra columns: only re-ID names switch the re-ID columns on
        boolean withReid = reid || rows.stream()
            .anyMatch(r -> r.reid().keySet().stream().anyMatch(REID_NAMES::contains));
        p.printRecord((Object[]) columns(withReid));
        for (Row row : rows) {
          p.printRecord(row.cells(withReid, extras));
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads all rows; a later row for the same round replaces an earlier one. */
  public List<Row> read() throws IOException {
    Map<Integer, Row> rows = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    try (CSVParser p = CSVParser.parse(file, StandardCharsets.UTF_8, FORMAT)) {
      List<String> names = null;
      for (CSVRecord rec : p) {
        if (names == null) {
          names = rec.toList();
          continue;
        }
        Row r = Row.parse(rec, file.getFileName() + " line " + p.getCurrentLineNumber(), names);
        rows.put(r.round(), r);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new ArrayList<>(rows.values());
  }

  /**
   * One round's numbers.
   *
   * @param round round number
   * @param accuracy reported accuracy in [0, 1]
   * @param loss reported loss
   * @param clientAccuracy clients' aggregated local accuracy
   * @param clientLoss clients' aggregated local loss
   * @param trainLoss example-weighted training loss
   * @param participants results aggregated
   * @param failures failed clients
   * @param seconds round wall time
   * @param reid re-identification metrics by column name ({@value #REID_COLUMNS}, {@value
   *     #CLIENT_REID_COLUMNS}); empty for a classification run
   */
  public record Row(
      int round, double accuracy, double loss, double clientAccuracy, double clientLoss,
      double trainLoss, int participants, int failures, double seconds,
      Map<String, Double> reid) {

    /** Copies the metrics. */
    public Row {
      reid = reid == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new LinkedHashMap<>(reid));
    }

    /** A row of a classification run (no re-identification metrics). */
    public Row(
        int round, double accuracy, double loss, double clientAccuracy, double clientLoss,
        double trainLoss, int participants, int failures, double seconds) {
      this(round, accuracy, loss, clientAccuracy, clientLoss, trainLoss, participants, failures,
          seconds, Map.of());
    }

    /**
     * A re-identification metric of the row.
     *
     * @param column {@code rank1}, {@code rank5}, {@code rank10} or {@code mAP}
     * @return its value, NaN when not measured
     */
    public double reid(String column) {
      return reid.getOrDefault(column, Double.NaN);
    }

    List<String> cells(boolean withReid, List<String> extras) {
      List<String> c = cells(withReid);
      for (String k : extras) {
        c.add(num(reid(k)));
      }
      return c;
    }

    List<String> cells(boolean withReid) {
      List<String> c = new ArrayList<>(List.of(Integer.toString(round), num(accuracy), num(loss),
          num(clientAccuracy), num(clientLoss), num(trainLoss), Integer.toString(participants),
          Integer.toString(failures), String.format(Locale.ROOT, "%.3f", seconds)));
      if (withReid) {
        for (String k : REID) {
          c.add(num(reid(k)));
        }
        for (String k : CLIENT_REID) {
          c.add(num(reid(k)));
        }
      }
      return c;
    }

    private static String num(double d) {
      return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d);
    }

    static Row parse(CSVRecord f, String where, List<String> names) {
      Row r = parse(f, where);
      Map<String, Double> more = new LinkedHashMap<>();
      try {
        for (int k = 9; k < f.size() && k < names.size(); k++) {
          double v = d(f.get(k));
          if (!Double.isNaN(v)) {
            more.put(names.get(k).trim(), v);
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      return new Row(r.round(), r.accuracy(), r.loss(), r.clientAccuracy(), r.clientLoss(),
          r.trainLoss(), r.participants(), r.failures(), r.seconds(), more);
    }

    static Row parse(CSVRecord f, String where) {
      if (f.size() < 9) {
        throw new IllegalArgumentException(where + ": expected 9 columns, got " + f.size());
      }
      try {
        Map<String, Double> reid = new LinkedHashMap<>();
        for (int k = 0; k < REID.length && 9 + k < f.size(); k++) {
          double v = d(f.get(9 + k));
          if (!Double.isNaN(v)) {
            reid.put(REID[k], v);
          }
        }
        return new Row(Integer.parseInt(f.get(0).trim()), d(f.get(1)), d(f.get(2)), d(f.get(3)),
            d(f.get(4)), d(f.get(5)), Integer.parseInt(f.get(6).trim()),
            Integer.parseInt(f.get(7).trim()), d(f.get(8)), reid);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }

    private static double d(String s) {
      return s.isBlank() ? Double.NaN : Double.parseDouble(s);
    }
  }
}

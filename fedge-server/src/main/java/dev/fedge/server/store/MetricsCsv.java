package dev.fedge.server.store;

import dev.fedge.server.RoundResult;
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
 */
public final class MetricsCsv {

  /** The header row. */
  public static final String HEADER =
      "round,accuracy,loss,client_accuracy,client_loss,train_loss,participants,failures,seconds";

  private static final String[] COLUMNS = HEADER.split(",");

  /**
   * Comma-separated, quoted only where a cell needs it, lines ended as the platform ends them (as
   * {@code BufferedWriter.newLine} did before), blank lines skipped and cells trimmed on read.
   */
  static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setRecordSeparator(System.lineSeparator())
      .setIgnoreSurroundingSpaces(true)
      .get();

  private final Path file;

  /** A metrics file (created with its header on first append). */
  public MetricsCsv(Path file) {
    this.file = file;
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
            r.duration().toMillis() / 1000.0));
  }

  /** Appends a row (and the header when the file is new). */
  public void append(Row row) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), FORMAT)) {
      if (fresh) {
        p.printRecord((Object[]) COLUMNS);
      }
      p.printRecord(row.cells());
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
        p.printRecord((Object[]) COLUMNS);
        for (Row row : rows) {
          p.printRecord(row.cells());
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
      boolean header = true;
      for (CSVRecord rec : p) {
        if (header) {
          header = false;
          continue;
        }
        Row r = Row.parse(rec, file.getFileName() + " line " + p.getCurrentLineNumber());
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
   */
  public record Row(
      int round, double accuracy, double loss, double clientAccuracy, double clientLoss,
      double trainLoss, int participants, int failures, double seconds) {

    List<String> cells() {
      return List.of(Integer.toString(round), num(accuracy), num(loss), num(clientAccuracy),
          num(clientLoss), num(trainLoss), Integer.toString(participants),
          Integer.toString(failures), String.format(Locale.ROOT, "%.3f", seconds));
    }

    private static String num(double d) {
      return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d);
    }

    static Row parse(CSVRecord f, String where) {
      if (f.size() < 9) {
        throw new IllegalArgumentException(where + ": expected 9 columns, got " + f.size());
      }
      try {
        return new Row(Integer.parseInt(f.get(0).trim()), d(f.get(1)), d(f.get(2)), d(f.get(3)),
            d(f.get(4)), d(f.get(5)), Integer.parseInt(f.get(6).trim()),
            Integer.parseInt(f.get(7).trim()), d(f.get(8)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }

    private static double d(String s) {
      return s.isBlank() ? Double.NaN : Double.parseDouble(s);
    }
  }
}

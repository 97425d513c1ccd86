package dev.fedge.server.study;

import dev.fedge.server.report.SvgPlot;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The heterogeneity study's report (issue 14 item 5), built from the run folders alone: each
 * cell's {@code timeline.csv} (accuracy against virtual time) and {@code fleet.csv} (the share of
 * each device class's data that reached the model). Pure file reading and arithmetic.
 */
public final class HeterogeneityReport {

  /** One cell's results, read from its run folder. */
  public record Cell(String method, long seed, double[] seconds, double[] accuracy,
      Map<String, Double> dataShare) {

    /**
     * The virtual time of the first round at or above a target accuracy.
     *
     * @param target accuracy in [0, 1]
     * @return seconds, NaN when never reached
     */
    public double timeTo(double target) {
      for (int i = 0; i < accuracy.length; i++) {
        if (accuracy[i] >= target) {
          return seconds[i];
        }
      }
      return Double.NaN;
    }

    /** The last round's accuracy, NaN with no rounds. */
    public double finalAccuracy() {
      return accuracy.length == 0 ? Double.NaN : accuracy[accuracy.length - 1];
    }

    /** The virtual time at the end of the last round. */
    public double totalSeconds() {
      return seconds.length == 0 ? 0 : seconds[seconds.length - 1];
    }
  }

  private HeterogeneityReport() {}

  /**
   * Reads one cell's run folder.
   *
   * @param method the method's name
   * @param seed the seed
   * @param folder its run folder (with {@code timeline.csv}, and {@code fleet.csv} for a fleet)
   * @return the cell
   * @throws IOException when the timeline is missing or malformed
   */
  public static Cell read(String method, long seed, Path folder) throws IOException {
    Path timeline = folder.resolve("timeline.csv");
    if (!Files.exists(timeline)) {
      throw new IOException(method + " seed " + seed + ": no " + timeline);
    }
    List<double[]> rows = new ArrayList<>();
    for (CSVRecord r : records(timeline)) {
      try {
        rows.add(new double[] {Double.parseDouble(r.get("virtual_seconds")),
            Double.parseDouble(r.get("accuracy"))});
      } catch (IllegalArgumentException e) {
        throw new IOException(timeline + " line " + r.getRecordNumber() + ": " + e.getMessage(), e);
      }
    }
    double[] t = rows.stream().mapToDouble(x -> x[0]).toArray();
    double[] a = rows.stream().mapToDouble(x -> x[1]).toArray();
    Map<String, Double> share = new LinkedHashMap<>();
    Path fleet = folder.resolve("fleet.csv");
    if (Files.exists(fleet)) {
      for (CSVRecord r : records(fleet)) {
        share.put(r.get("class"), Double.parseDouble(r.get("data_share")));
      }
    }
    return new Cell(method, seed, t, a, share);
  }

  private static List<CSVRecord> records(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)
          .getRecords();
    }
  }

  /**
   * The report's Markdown: per method, the mean over its seeds of the virtual time to 80 % and
   * 85 % (with how many seeds reached it), the final accuracy and each class's data share.
   *
   * @param title the heading
   * @param setup a paragraph saying how it was run
   * @param methods the methods in order, with their one-line descriptions
   * @param cells every cell
   * @param plot the plot's file name, beside the report
   * @return the Markdown
   */
  public static String markdown(String title, String setup, Map<String, String> methods,
      List<Cell> cells, String plot) {
    List<String> classes = new ArrayList<>();
    for (Cell c : cells) {
      for (String k : c.dataShare().keySet()) {
        if (!classes.contains(k)) {
          classes.add(k);
        }
      }
    }
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n").append(setup)
        .append("\n\n");
    md.append("| method | what it is | seeds | virtual s to 80 % | virtual s to 85 % | final "
        + "accuracy | virtual s in all |");
    classes.forEach(k -> md.append(" data of ").append(k).append(" |"));
    md.append("\n|---|---|---|---|---|---|---|");
    classes.forEach(k -> md.append("---|"));
    md.append('\n');
    for (Map.Entry<String, String> m : methods.entrySet()) {
      List<Cell> mine = cells.stream().filter(c -> c.method().equals(m.getKey())).toList();
      if (mine.isEmpty()) {
        continue;
      }
      md.append("| ").append(m.getKey()).append(" | ").append(m.getValue()).append(" | ")
          .append(mine.size()).append(" | ").append(meanTime(mine, 0.80)).append(" | ")
          .append(meanTime(mine, 0.85)).append(" | ")
          .append(pct(mine.stream().mapToDouble(Cell::finalAccuracy).average().orElse(Double.NaN)))
          .append(" | ")
          .append(num(mine.stream().mapToDouble(Cell::totalSeconds).average().orElse(0)))
          .append(" |");
      for (String k : classes) {
        md.append(' ').append(pct(mine.stream().mapToDouble(c -> c.dataShare()
            .getOrDefault(k, Double.NaN)).average().orElse(Double.NaN))).append(" |");
      }
      md.append('\n');
    }
    md.append("\nA time is the mean over the seeds that reached the accuracy; \"k/n\" says how "
        + "many of the n seeds did, and \"never\" that none did. A class's data share is the share "
        + "of its training images whose device got at least one update into the model.\n\n")
        .append("![accuracy against virtual time](").append(plot).append(")\n");
    return md.toString();
  }

  /**
   * The plot: each cell's accuracy against virtual time.
   *
   * @param title the title
   * @param cells the cells
   * @return the plot
   */
  public static SvgPlot plot(String title, List<Cell> cells) {
    SvgPlot p = new SvgPlot(title, "virtual seconds", "test accuracy");
    for (Cell c : cells) {
      if (c.seconds().length > 0) {
        p.add(new SvgPlot.Series(c.method() + " s" + c.seed(), c.seconds(), c.accuracy()));
      }
    }
    p.add(new SvgPlot.Level("80 %", 0.80));
    p.add(new SvgPlot.Level("85 %", 0.85));
    return p;
  }

  static String meanTime(List<Cell> cells, double target) {
    double[] reached = cells.stream().mapToDouble(c -> c.timeTo(target))
        .filter(t -> !Double.isNaN(t)).toArray();
    if (reached.length == 0) {
      return "never";
    }
    double mean = java.util.Arrays.stream(reached).average().orElseThrow();
    return reached.length == cells.size() ? num(mean)
        : num(mean) + " (" + reached.length + "/" + cells.size() + ")";
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }
}

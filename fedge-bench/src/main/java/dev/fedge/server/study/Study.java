package dev.fedge.server.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a list of cells one after another (each skipped when complete, resumed when unfinished),
 * rebuilding the report after each.
 */
public final class Study {

  private final CellRunner runner;
  private final AccuracyReport report;
  private final Consumer<String> out;

  /**
   * A study.
   *
   * @param settings shared settings
   * @param results the results folder
   * @param command the command line, recorded with each cell
   * @param report the report to rebuild after each cell, or null for none
   * @param out progress lines
   */
  public Study(
      StudySettings settings,
      Path results,
      String command,
      AccuracyReport report,
      Consumer<String> out) {
    this.runner = new CellRunner(settings, results, workFolder(results), command, out);
    this.report = report;
    this.out = out;
  }

  /**
   * The scratch folder for a results folder: {@code <parent>/work/<name>} ({@code bench/work/} is
   * ignored by git).
   */
  public static Path workFolder(Path results) {
    Path abs = results.toAbsolutePath().normalize();
    Path parent = abs.getParent() == null ? abs : abs.getParent();
    return parent.resolve("work").resolve(abs.getFileName().toString());
  }

  /**
   * Runs the cells in order.
   *
   * @param cells the cells
   * @return their records afterwards
   */
  public List<CellRecord> run(List<StudyCell> cells) throws IOException {
    List<CellRecord> records = new ArrayList<>();
    for (StudyCell cell : cells) {
      records.add(runner.run(cell));
      if (report != null) {
        report.write();
        out.accept("report: " + report.file());
      }
    }
    return records;
  }
}

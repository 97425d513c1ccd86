package dev.fedge.server.sim;

import dev.fedge.server.store.MetricsCsv;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a simulation produced.
 *
 * @param config the resolved settings
 * @param rows one row per round
 * @param folder the run folder
 * @param seconds total wall time
 */
public record SimulationReport(
    SimulationConfig config, List<MetricsCsv.Row> rows, Path folder, double seconds) {

  /** Copies the rows. */
  public SimulationReport {
    rows = List.copyOf(rows);
  }

  /** Accuracy after the last round (NaN when none). */
  public double finalAccuracy() {
    return rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1).accuracy();
  }

  /** Best accuracy over the rounds (NaN when none). */
  public double bestAccuracy() {
    return rows.stream().mapToDouble(MetricsCsv.Row::accuracy).filter(d -> !Double.isNaN(d))
        .max().orElse(Double.NaN);
  }

  /** A few lines for the end of a run. */
  public String summary() {
    if (config.reid()) {
      return reidSummary();
    }
    int best = 0;
    double b = Double.NEGATIVE_INFINITY;
    for (MetricsCsv.Row r : rows) {
      if (r.accuracy() > b) {
        b = r.accuracy();
        best = r.round();
      }
    }
    return String.format(Locale.ROOT,
        "done: %s, %s on %s, %d clients (%s), %d rounds in %.1f s%n"
            + "  final accuracy %.4f, best %.4f (round %d)%n"
            + "  run folder: %s (config.yaml, partition.json, metrics.csv, accuracy.svg, "
            + "timeline.csv%s, model.safetensors, manifest.json)",
        config.strategy(), config.model(), config.dataset(), config.clients(),
        config.partition(), rows.size(), seconds, finalAccuracy(), bestAccuracy(), best, folder,
        (config.heterogeneous() ? ", accuracy-time.svg" : "")
            + (config.fleet() != null ? ", fleet.csv" : ""));
  }

  /** The summary of a re-identification run: the last round's retrieval metrics. */
  private String reidSummary() {
    MetricsCsv.Row last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
    double nan = Double.NaN;
    return String.format(Locale.ROOT,
        "done: %s, reid-%s on %s, %d clients (%s), %d rounds in %.1f s%n"
            + "  final rank1 %.4f  rank5 %.4f  rank10 %.4f  mAP %.4f%n"
            + "  run folder: %s (config.yaml, partition.json, metrics.csv, retrieval.svg, "
            + "timeline.csv, model.safetensors, manifest.json)",
        config.strategy(), config.model(), ReidTask.real(config.dataset()) ? config.dataset()
            : "the " + config.dataset() + " proxy", config.clients(),
        config.partition(), rows.size(), seconds,
        last == null ? nan : last.reid("rank1"), last == null ? nan : last.reid("rank5"),
        last == null ? nan : last.reid("rank10"), last == null ? nan : last.reid("mAP"), folder);
  }
}

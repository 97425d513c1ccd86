package dev.fedge.server.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A simulation's {@code timeline.csv}: per round, the virtual seconds at its end and the test
 * accuracy, and the fewest and the most local steps a client of the round trained (they differ
 * with {@code local-work: deadline}, or with unequal data), each task's local steps ({@code steps}:
 * {@code client-000:20 client-001:5}, the local steps each selected device was assigned, by id),
 * and the test accuracy. Columns {@code
 * round,virtual_seconds,steps_min,steps_max,steps,accuracy}; seconds with 3 decimals, accuracy with
 * 6, empty when not measured.
 */
final class TimelineCsv {

  /** Comma-separated, lines ended as the platform ends them. */
  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setRecordSeparator(System.lineSeparator())
      .setHeader("round", "virtual_seconds", "steps_min", "steps_max", "steps", "accuracy")
      .get();

  private TimelineCsv() {}

  /**
   * One round of the timeline.
   *
   * @param round the round
   * @param seconds virtual seconds at its end
   * @param stepsMin the fewest local steps a client of the round trained
   * @param stepsMax the most
   * @param steps each task's local steps, by client id
   * @param accuracy its test accuracy, NaN when not measured
   */
  record Point(int round, double seconds, int stepsMin, int stepsMax,
      java.util.Map<String, Integer> steps, double accuracy) {

    /** Copies the steps, sorted by client id. */
    Point {
      steps = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(steps));
    }
  }

  /** Writes (or replaces) the file. */
  static void write(Path file, List<Point> points) throws IOException {
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), FORMAT)) {
      for (Point t : points) {
        p.printRecord(Integer.toString(t.round()), String.format(Locale.ROOT, "%.3f", t.seconds()),
            Integer.toString(t.stepsMin()), Integer.toString(t.stepsMax()),
            String.join(" ", t.steps().entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).toList()),
            Double.isNaN(t.accuracy()) ? "" : String.format(Locale.ROOT, "%.6f", t.accuracy()));
      }
    }
  }
}

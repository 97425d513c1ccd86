package dev.fedge.server.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.store.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from CSVs and JSONs written here, with known numbers. */
class AccuracyReportTest {

  private static final StudySettings SETTINGS = StudySettings.full();

  /** Writes a cell whose accuracy per round is given (NaN: not evaluated). */
  private static void cell(Path results, String algorithm, String partition, double... acc)
      throws Exception {
    cell(results, algorithm, partition, 1, acc);
  }

  private static void cell(
      Path results, String algorithm, String partition, long seed, double... acc)
      throws Exception {
    StudyCell cell = new StudyCell(algorithm, partition, seed);
    MetricsCsv csv = new MetricsCsv(cell.csv(results));
    for (int i = 0; i < acc.length; i++) {
      csv.append(new MetricsCsv.Row(i + 1, acc[i], 1.0, Double.NaN, Double.NaN, 0.5, 10, 0, 20.0));
    }
    CellRecord rec =
        new CellRecord(cell, SETTINGS.toMap(), 0, false, List.of(), List.of())
            .withRun(
                new CellRecord.Segment(
                    "./fedge bench accuracy --cells " + algorithm + ":" + partition,
                    "2 cores, test",
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                    1,
                    0),
                0)
            .afterRound(
                acc.length, "2026-01-01T01:00:00Z", acc.length >= SETTINGS.roundsFor(algorithm));
    rec.write(cell.json(results));
  }

  private static double[] ramp(int n, double from, double to) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = from + (to - from) * i / (n - 1);
    }
    return a;
  }

  @Test
  void tableGainsTargetsPlotsAndRunsComeFromTheFiles(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("results");
    double[] fedavg = ramp(50, 0.30, 0.70);
    fedavg[39] = 0.75; // best is not final
    cell(results, "fedavg", "shards:2", fedavg);
    cell(results, "fedntd", "shards:2", ramp(20, 0.30, 0.60));
    // local-only runs rounds x fraction = 5 rounds (25 local epochs) and evaluates every 5
    cell(results, "local-only", "shards:2", Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.20);
    Path file = dir.resolve("docs/ACCURACY.md");

    new AccuracyReport(results, file, "Study").write();

    String md = Files.readString(file);
    assertTrue(md.startsWith("# Study\n"), md);
    assertTrue(md.contains("**Status: partial.** 2 cells complete, 1 partial"), md);
    assertTrue(md.contains("| local-only | 20.00 | 20.00 | 20.00 |"), md);
    // last 10: rounds 41-50 of fedavg's ramp, 0.30 + 0.4 (r - 1) / 49, mean at r - 1 = 44.5
    assertTrue(md.contains("| fedavg | 70.00 | 66.33 | 75.00 |"), md);
    assertTrue(md.contains("| fedntd | 60.00 *(r20/50)* | 52.89 | 60.00 |"), md);
    // best federated is fedavg (70 final), gain over local-only 50 points
    assertTrue(md.contains("| shards:2 | fedavg 70.00 | 20.00 | +50.00 | -10.00 |"), md);
    // at round 20 fedavg had 0.30 + 0.4 * 19/49
    double at20 = 100 * (0.60 - (0.30 + 0.40 * 19 / 49));
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%+.2f (round 20)", at20)), md);
    // mean over rounds 11..20 of fedntd (0.30 + 0.3 (r-1)/19) minus fedavg (0.30 + 0.4 (r-1)/49)
    double last10 = 0;
    for (int r = 11; r <= 20; r++) {
      last10 += (0.30 + 0.30 * (r - 1) / 19) - (0.30 + 0.40 * (r - 1) / 49);
    }
    assertTrue(
        md.contains(
            String.format(java.util.Locale.ROOT, "%+.2f (rounds 11-20)", 100 * last10 / 10)),
        md);
    assertTrue(md.contains("≥ +6 points on `shards:2`: **met (+50.00)**"), md);
    // partial cells with different rounds are compared at the last round both have
    assertTrue(
        md.contains(
            String.format(
                java.util.Locale.ROOT,
                "FedNTD ahead of FedAvg on `shards:2`: **met (%+.2f)**",
                at20)),
        md);
    assertTrue(md.contains("on `dirichlet:0.1`: **not measured yet**"), md);
    assertTrue(md.contains("![test accuracy per round on shards:2](accuracy-shards-2.svg)"), md);
    assertTrue(md.contains("    ./fedge bench accuracy --cells fedntd:shards:2"), md);
    assertTrue(md.contains("| fedntd shards:2 s1 | 20/50 | partial |"), md);
    assertTrue(md.contains("| clients | 100 |"), md);
    String svg = Files.readString(dir.resolve("docs/accuracy-shards-2.svg"));
    assertEquals(2, svg.split("<polyline").length - 1, "one line per federated algorithm");
    assertTrue(svg.contains(">fedntd<"), svg);
    assertTrue(svg.contains(">local-only (25 local epochs)<"), "local-only is a baseline: " + svg);
    assertEquals(2, svg.split("stroke-dasharray").length - 1, "its dashed line and legend");
  }

  @Test
  void aSecondSeedIsAveragedWhenCompleteAndListedPerSeed(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("results");
    cell(results, "fedavg", "shards:2", 1, ramp(50, 0.30, 0.70));
    cell(results, "fedavg", "shards:2", 2, ramp(10, 0.20, 0.40));
    cell(results, "fedntd", "shards:2", 1, ramp(50, 0.30, 0.80));
    cell(results, "fedntd", "shards:2", 2, ramp(50, 0.30, 0.70));
    Path file = dir.resolve("ACCURACY.md");

    new AccuracyReport(results, file, "Study").write();

    String md = Files.readString(file);
    assertTrue(md.contains("**Status: partial.** 2 cells complete, 0 partial"), md);
    assertTrue(md.contains("Further seeds: 2 cells (1 complete), listed under *Per seed*."), md);
    // fedavg's running seed 2 stays out of the mean; fedntd averages its two complete seeds
    assertTrue(md.contains("| fedavg | 70.00 (+1 seed running) |"), md);
    assertTrue(md.contains("| fedntd | 75.00 (2 seeds) |"), md);
    // FedNTD - FedAvg over the seeds both have complete: seed 1 only, 80 - 70, though the best
    // federated is fedntd by its mean over two seeds
    assertTrue(md.contains("| shards:2 | fedntd 75.00 | not run | n/a | +10.00 |"), md);
    assertTrue(md.contains("| fedavg | shards:2 | 2 | 10/50 | 40.00 |"), md);
    assertTrue(md.contains("| fedntd | shards:2 | 2 | 50/50 | 70.00 |"), md);
    assertTrue(md.contains("| shards:2 | 1 | 50 | +10.00 |"), md);
    // seed 2 at round 10: fedntd 0.30 + 0.40 * 9/49, fedavg 0.40
    double at10 = 100 * (0.30 + 0.40 * 9 / 49 - 0.40);
    assertTrue(
        md.contains(String.format(java.util.Locale.ROOT, "| shards:2 | 2 | 10 | %+.2f |", at10)),
        md);
    assertTrue(md.contains("fedavg:shards:2 seed 2 (10/50 rounds)"), md);
  }

  @Test
  void handWrittenNotesSurviveARebuild(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("results");
    cell(results, "fedavg", "iid", 0.5, 0.6);
    Path file = dir.resolve("ACCURACY.md");
    AccuracyReport report = new AccuracyReport(results, file, "Study");
    report.write();
    String first = Files.readString(file);
    Files.writeString(file, first.replace("(none yet)", "FedNTD's loss was checked."));

    cell(results, "fedntd", "iid", 0.55, 0.65);
    report.write();

    String md = Files.readString(file);
    assertTrue(
        md.contains(
            AccuracyReport.NOTES_START
                + "\nFedNTD's loss was checked.\n"
                + AccuracyReport.NOTES_END),
        md);
    assertTrue(
        md.contains("| fedntd | not run | | | not run | | | 65.00 *(r2/50)* | 60.00 | 65.00 |"),
        md);
    assertTrue(md.contains("fedavg:iid (2/50 rounds)"), md);
    assertTrue(md.contains("local-only:shards:2 (not run)"), md);
    assertTrue(md.contains("`shards:2`: no cell has run yet."), md);
    assertTrue(Files.exists(dir.resolve("accuracy-iid.svg")));
    assertTrue(!Files.exists(dir.resolve("accuracy-shards-2.svg")));
    assertTrue(md.contains("| iid | fedntd 65.00 *(r2/50)* | not run | n/a | +5.00 |"), md);
  }
}

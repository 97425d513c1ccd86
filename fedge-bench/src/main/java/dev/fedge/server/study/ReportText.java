package dev.fedge.server.study;

import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.study.AccuracyReport.CellData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Markdown text of the study's report ({@link AccuracyReport}): summary tables, verdicts per
 * partition, per-seed results and the settings, built from the cells' data only.
 */
final class ReportText {

  private final String title;
  private final Path results;

  ReportText(String title, Path results) {
    this.title = title;
    this.results = results;
  }

  /**
   * Renders the Markdown.
   *
   * @param cells the cells
   * @param notes the hand-written notes to keep
   * @return the report
   */
  String render(List<CellData> cells, String notes) {
    List<String> parts = AccuracyReport.partitions(cells);
    List<String> algs = AccuracyReport.algorithms(cells);
    // the status counts seed 1, the study's cells; further seeds are extra samples of them
    List<CellData> firstSeed = cells.stream().filter(c -> c.record().cell().seed() == 1).toList();
    long complete = firstSeed.stream().filter(CellData::complete).count();
    long started = firstSeed.stream().filter(c -> !c.rows().isEmpty()).count();
    List<CellData> extra = cells.stream().filter(c -> c.record().cell().seed() != 1).toList();
    int expected = CellSelection.ALGORITHMS.size() * CellSelection.PARTITIONS.size();
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append("*Built by `fedge bench accuracy` from the per-cell files under `")
        .append(AccuracyReport.display(results))
        .append("/` (")
        .append(AccuracyReport.now())
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
        List<CellData> seeds = AccuracyReport.of(cells, a, p);
        if (seeds.isEmpty()) {
          sb.append(" not run | | |");
          continue;
        }
        int rounds = seeds.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int target = seeds.get(0).target();
        String mark =
            rounds < target ? String.format(Locale.ROOT, " *(r%d/%d)*", rounds, target) : "";
        int running = AccuracyReport.started(cells, a, p).size() - seeds.size();
        String n =
            (seeds.size() > 1 ? " (" + seeds.size() + " seeds)" : "")
                + (running > 0 ? " (+" + running + " seed running)" : "");
        sb.append(" ")
            .append(AccuracyReport.pct(AccuracyReport.mean(seeds, CellData::finalAccuracy)))
            .append(mark)
            .append(n)
            .append(" | ")
            .append(AccuracyReport.pct(AccuracyReport.mean(seeds, c -> c.lastMeanAccuracy(10))))
            .append(" | ")
            .append(AccuracyReport.pct(AccuracyReport.mean(seeds, CellData::bestAccuracy)))
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
        double f = AccuracyReport.mean(AccuracyReport.of(cells, a, p), CellData::finalAccuracy);
        if (Double.isFinite(f) && (bestAlg == null || f > bestFinal)) {
          bestAlg = a;
          bestFinal = f;
        }
      }
      List<CellData> local = AccuracyReport.of(cells, "local-only", p);
      double localFinal = AccuracyReport.mean(local, CellData::finalAccuracy);
      double gain = bestFinal - localFinal;
      gains.put(p, gain);
      // the same seeds on both sides where they share any: a seed is a partition and a sample
      List<CellData> ntd = AccuracyReport.sameSeeds(AccuracyReport.of(cells, "fedntd", p), AccuracyReport.of(cells, "fedavg", p));
      List<CellData> avg = AccuracyReport.sameSeeds(AccuracyReport.of(cells, "fedavg", p), ntd);
      double diff = AccuracyReport.mean(ntd, CellData::finalAccuracy) - AccuracyReport.mean(avg, CellData::finalAccuracy);
      ntdDiffs.put(p, diff);
      String common = "n/a";
      String last10 = "n/a";
      if (!ntd.isEmpty() && !avg.isEmpty()) {
        int rn = ntd.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int ra = avg.stream().mapToInt(c -> c.rows().size()).min().orElse(0);
        int r = Math.min(rn, ra);
        double atCommon = AccuracyReport.mean(ntd, c -> c.accuracyAt(r)) - AccuracyReport.mean(avg, c -> c.accuracyAt(r));
        if (rn != ra) {
          ntdDiffs.put(p, atCommon); // the targets compare the two at the same round
        }
        common = String.format(Locale.ROOT, "%s (round %d)", AccuracyReport.points(atCommon), r);
        double lead =
            AccuracyReport.meanOfLast10(
                k -> AccuracyReport.mean(ntd, c -> c.accuracyAt(k)) - AccuracyReport.mean(avg, c -> c.accuracyAt(k)), r);
        last10 =
            Double.isFinite(lead)
                ? String.format(
                    Locale.ROOT, "%s (rounds %d-%d)", AccuracyReport.points(lead), Math.max(1, r - 9), r)
                : "n/a";
      }
      sb.append("| ")
          .append(p)
          .append(" | ")
          .append(
              bestAlg == null ? "n/a" : bestAlg + " " + AccuracyReport.pct(bestFinal) + AccuracyReport.partial(cells, bestAlg, p))
          .append(" | ")
          .append(local.isEmpty() ? "not run" : AccuracyReport.pct(localFinal) + AccuracyReport.partial(cells, "local-only", p))
          .append(" | ")
          .append(AccuracyReport.points(gain))
          .append(" | ")
          .append(AccuracyReport.points(diff))
          .append(" | ")
          .append(common)
          .append(" | ")
          .append(last10)
          .append(" |\n");
    }
    sb.append(
            "\nTargets (issue 4): best federated vs. the average local-only client ≥ +6 points "
                + "on `shards:2`: **")
        .append(AccuracyReport.verdict(gains.get("shards:2"), 0.06))
        .append("**; FedNTD ahead of FedAvg on `shards:2`: **")
        .append(AccuracyReport.verdict(ntdDiffs.get("shards:2"), 0))
        .append("**, on `dirichlet:0.1`: **")
        .append(AccuracyReport.verdict(ntdDiffs.get("dirichlet:0.1"), 0))
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
      if (AccuracyReport.hasData(cells, p)) {
        sb.append("![test accuracy per round on ")
            .append(p)
            .append("](")
            .append(AccuracyReport.plotName(p))
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
        List<CellData> seeds = AccuracyReport.started(cells, a, p);
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
        .append(AccuracyReport.NOTES_START)
        .append("\n")
        .append(notes)
        .append("\n")
        .append(AccuracyReport.NOTES_END)
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
        List<CellData> seeds = AccuracyReport.started(cells, a, p);
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
              AccuracyReport.pct(c.finalAccuracy()),
              AccuracyReport.pct(c.lastMeanAccuracy(10)),
              AccuracyReport.pct(c.bestAccuracy())));
    }
    List<String> diffs = new ArrayList<>();
    for (String p : parts) {
      List<CellData> avgs = AccuracyReport.started(cells, "fedavg", p);
      for (CellData ntd : AccuracyReport.started(cells, "fedntd", p)) {
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
                AccuracyReport.points(ntd.accuracyAt(r) - avg.accuracyAt(r)),
                AccuracyReport.points(AccuracyReport.meanOfLast10(k -> ntd.accuracyAt(k) - avg.accuracyAt(k), r))));
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
}

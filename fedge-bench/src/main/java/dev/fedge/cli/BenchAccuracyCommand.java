package dev.fedge.cli;

import dev.fedge.data.DatasetUnavailableException;
import dev.fedge.server.study.AccuracyReport;
import dev.fedge.server.study.CellSelection;
import dev.fedge.server.study.Study;
import dev.fedge.server.study.StudyCell;
import dev.fedge.server.study.StudySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge bench accuracy}: the accuracy study of issue 4. Every (algorithm, partition, seed)
 * cell is a resumable unit whose per-round CSV is appended after every round under the results
 * folder; rerunning skips complete cells and resumes unfinished ones. The report (table and plots)
 * is rebuilt from the files after every cell.
 */
@Command(
    name = "accuracy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The accuracy study: local-only, FedAvg, FedProx, FedNTD, FedNova and FedAdam on"
          + " Fashion-MNIST (cnn, 100 clients, 10 per round, 5 local epochs, batch 50, SGD lr"
          + " 0.01 momentum 0.9, 50 rounds) over shards:2, dirichlet:0.1 and iid.",
      "Each cell is resumable: rerun the command to skip complete cells and resume unfinished"
          + " ones. The report is rebuilt from the committed files."
    })
public final class BenchAccuracyCommand extends BaseCommand {

  @Option(
      names = "--cells",
      paramLabel = "SPEC",
      description =
          "Cells to run: all (default), ALGORITHM:PARTITION, partition=P, algorithm=A,"
              + " comma-separated (e.g. fedavg:shards:2,fedntd:shards:2).")
  String cells;

  @Option(
      names = "--quick",
      description =
          "A small version that finishes in minutes (20 clients,"
              + " 5 per round, 1 local epoch, 6,000 training and 2,000 test images, 5 rounds), into"
              + " bench/results-quick.")
  boolean quick;

  @Option(names = "--rounds", description = "Rounds per cell (default 50; 5 with --quick).")
  Integer rounds;

  @Option(
      names = "--seeds",
      defaultValue = "1",
      description = "Seeds 1..N per cell (default ${DEFAULT-VALUE}).")
  int seeds;

  @Option(
      names = "--results",
      paramLabel = "DIR",
      description = "Results folder (default bench/results; bench/results-quick with --quick).")
  Path results;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Report file; plots go beside it (default docs/ACCURACY.md;"
              + " <results>/ACCURACY.md with --quick).")
  Path report;

  @Option(names = "--report-only", description = "Only rebuild the report from the results.")
  boolean reportOnly;

  @Option(names = "--clients", description = "Override: number of clients.")
  Integer clients;

  @Option(names = "--fraction", description = "Override: fraction of clients per round.")
  Double fraction;

  @Option(names = "--local-epochs", description = "Override: local epochs per round.")
  Integer localEpochs;

  @Option(names = "--train-limit", description = "Override: first N training images (0 = all).")
  Integer trainLimit;

  @Option(names = "--test-limit", description = "Override: first N test images (0 = all).")
  Integer testLimit;

  @Option(
      names = "--client-test-limit",
      description = "Override: test images per client for local-only's evaluation.")
  Integer clientTestLimit;

  @Option(names = "--eval-every", description = "Override: local-only evaluates every K rounds.")
  Integer evalEvery;

  @Option(names = "--threads", description = "PyTorch threads (default 2).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default ./data).")
  Path dataDir;

  @Override
  protected int doCall() throws IOException {
    StudySettings s = settings();
    List<StudyCell> selected = CellSelection.parse(cells, seeds);
    Path res = results != null ? results : Path.of(quick ? "bench/results-quick" : "bench/results");
    Path rep =
        report != null ? report : quick ? res.resolve("ACCURACY.md") : Path.of("docs/ACCURACY.md");
    AccuracyReport accuracyReport =
        new AccuracyReport(
            res,
            rep,
            quick
                ? "Accuracy study, quick version (a smoke test, not the study's numbers)"
                : "Accuracy study: local-only, FedAvg, FedProx, FedNTD, FedNova and FedAdam on"
                      + " non-IID Fashion-MNIST");
    PrintWriter out = out();
    if (!reportOnly) {
      out.printf(
          "fedge bench accuracy: %d cells into %s (%s)%n",
          selected.size(), res, quick ? "quick" : "full study");
      out.flush();
      Study study =
          new Study(
              s,
              res,
              commandLine(),
              accuracyReport,
              line -> {
                out.println(line);
                out.flush();
              });
      try {
        study.run(selected);
      } catch (DatasetUnavailableException e) {
        throw new ExitException(ExitException.UNAVAILABLE, e.getMessage(), e);
      }
    }
    accuracyReport.write();
    out.println("report: " + rep + " (plots beside it)");
    out.flush();
    return 0;
  }

  /** This command's line as typed, from {@code ./fedge bench accuracy} on. */
  private String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int at = args.indexOf("accuracy");
    return "./fedge bench accuracy"
        + (at + 1 < args.size() ? " " + String.join(" ", args.subList(at + 1, args.size())) : "");
  }

  /** The preset with the overrides applied. */
  StudySettings settings() {
    StudySettings b = quick ? StudySettings.quick() : StudySettings.full();
    return new StudySettings(
        b.dataset(),
        b.model(),
        clients != null ? clients : b.clients(),
        fraction != null ? fraction : b.fraction(),
        localEpochs != null ? localEpochs : b.localEpochs(),
        b.batchSize(),
        b.lr(),
        b.momentum(),
        rounds != null ? rounds : b.rounds(),
        trainLimit != null ? trainLimit : b.trainLimit(),
        testLimit != null ? testLimit : b.testLimit(),
        clientTestLimit != null ? clientTestLimit : b.clientTestLimit(),
        evalEvery != null ? evalEvery : b.evalEvery(),
        threads != null ? threads : b.threads(),
        dataDir != null ? dataDir : b.dataDir());
  }
}

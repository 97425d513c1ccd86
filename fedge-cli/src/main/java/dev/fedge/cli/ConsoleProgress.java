package dev.fedge.cli;

import dev.fedge.server.RoundResult;
import dev.fedge.server.sim.SimulationProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a simulation's progress: a bar of the clients trained so far on standard error (when it is
 * a terminal), and one line per round on standard output.
 */
final class ConsoleProgress implements SimulationProgress {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean bar;
  private final boolean showVirtualTime;
  private long roundStart;

  /**
   * Creates the progress display.
   *
   * @param out where the round lines go
   * @param err where the bar goes
   * @param showVirtualTime whether round lines show the run's virtual time (devices of different
   *     speeds)
   */
  ConsoleProgress(PrintWriter out, PrintWriter err, boolean showVirtualTime) {
    this.out = out;
    this.err = err;
    this.showVirtualTime = showVirtualTime;
    this.bar = System.console() != null || "1".equals(System.getenv("FEDGE_PROGRESS"));
  }

  @Override
  public void info(String line) {
    out.println(line);
    out.flush();
  }

  @Override
  public void roundStarted(int round, int rounds, int clients) {
    roundStart = System.nanoTime();
    draw(round, rounds, 0, clients);
  }

  @Override
  public void clientDone(int round, int rounds, int done, int total) {
    draw(round, rounds, done, total);
  }

  private void draw(int round, int rounds, int done, int total) {
    if (!bar) {
      return;
    }
    int filled = total == 0 ? WIDTH : done * WIDTH / total;
    double secs = (System.nanoTime() - roundStart) / 1e9;
    err.print(String.format(Locale.ROOT, "\rround %d/%d [%s%s] %d/%d clients %5.1fs ",
        round, rounds, "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, secs));
    err.flush();
  }

  @Override
  public void roundFinished(RoundResult r, int rounds) {
    if (bar) {
      err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
      err.flush();
    }
    out.println(line(r, rounds, showVirtualTime));
    out.flush();
  }

  static String line(RoundResult r, int rounds, boolean showVirtualTime) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "round %3d/%d", r.round(), rounds));
    if (!r.completed()) {
      sb.append("  not completed: ").append(r.participants().size()).append(" results");
    }
    if (!Double.isNaN(r.accuracy())) {
      sb.append(String.format(Locale.ROOT, "  accuracy %.4f  loss %.4f", r.accuracy(), r.loss()));
    }
    java.util.Map<String, Double> eval = r.central().or(() -> r.clientEval())
        .map(e -> e.metrics()).orElse(java.util.Map.of());
    if (eval.containsKey("rank1")) {
      sb.append(String.format(Locale.ROOT, "  rank1 %.4f  rank5 %.4f  rank10 %.4f  mAP %.4f",
          eval.get("rank1"), eval.getOrDefault("rank5", Double.NaN),
          eval.getOrDefault("rank10", Double.NaN), eval.getOrDefault("mAP", Double.NaN)));
    }
    Double trainLoss = r.metrics().get("train_loss");
    if (trainLoss != null) {
      sb.append(String.format(Locale.ROOT, "  train_loss %.4f", trainLoss));
    }
    sb.append(String.format(Locale.ROOT, "  clients %d", r.participants().size()));
    if (!r.failures().isEmpty()) {
      sb.append(" (").append(r.failures().size()).append(" failed)");
    }
    Double staleness = r.metrics().get("staleness_mean");
    if (staleness != null) {
      sb.append(String.format(Locale.ROOT, "  staleness %.2f (max %.0f)", staleness,
          r.metrics().getOrDefault("staleness_max", staleness)));
    }
    Double virtual = r.metrics().get("virtual_seconds");
    if (virtual != null && showVirtualTime) {
      sb.append(String.format(Locale.ROOT, "  t %.1fs virtual", virtual));
    }
    sb.append(String.format(Locale.ROOT, "  %.1fs", r.duration().toMillis() / 1000.0));
    return sb.toString();
  }
}

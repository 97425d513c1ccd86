package dev.fedge.data.download;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line text progress bar, redrawn in place with a carriage return, e.g. {@code
 * cifar-10-binary.tar.gz [==========>         ]  52%  85.3/162.6 MB}. Redraws at most once per
 * percent so a log file does not fill up.
 */
public final class ProgressBar implements DownloadProgress {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private String file = "";
  private long total = -1;
  private long lastShown = -1;

  /**
   * A progress bar on the given stream (usually standard error).
   *
   * @param out where to draw
   */
  public ProgressBar(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void started(String file, long totalBytes) {
    this.file = file;
    this.total = totalBytes;
    this.lastShown = -1;
    advanced(0);
  }

  @Override
  public void advanced(long doneBytes) {
    long step = total > 0 ? doneBytes * 100 / total : doneBytes >> 20;
    if (step == lastShown) {
      return;
    }
    lastShown = step;
    out.print("\r" + render(file, doneBytes, total));
    out.flush();
  }

  @Override
  public void finished() {
    out.println();
    out.flush();
  }

  /**
   * The bar's text for a state.
   *
   * @param file file name
   * @param done bytes received
   * @param total total bytes, or -1 when unknown
   * @return one line without a line break
   */
  public static String render(String file, long done, long total) {
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s %.1f MB", file, done / 1e6);
    }
    double f = Math.min(1.0, (double) done / total);
    int full = (int) (f * WIDTH);
    StringBuilder bar = new StringBuilder(WIDTH);
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < full ? '=' : i == full ? '>' : ' ');
    }
    return String.format(
        Locale.ROOT, "%s [%s] %3d%% %6.1f/%.1f MB", file, bar, (int) (f * 100), done / 1e6,
        total / 1e6);
  }
}

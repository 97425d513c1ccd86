package dev.fedge.server.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small, dependency-free SVG line chart: several named series of (x, y) points over shared axes,
 * with ticks, grid and a legend. Opens in any browser.
 */
public final class SvgPlot {

  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"
  };
  private static final int W = 720;
  private static final int H = 420;
  private static final int LEFT = 64;
  private static final int RIGHT = 180;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  /**
   * One line.
   *
   * @param name legend label
   * @param xs x values
   * @param ys y values (NaN points are skipped)
   */
  public record Series(String name, double[] xs, double[] ys) {

    /** Validates and copies. */
    public Series {
      if (xs.length != ys.length) {
        throw new IllegalArgumentException(
            "series '" + name + "': " + xs.length + " x values but " + ys.length + " y values");
      }
      xs = xs.clone();
      ys = ys.clone();
    }
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Level> levels = new ArrayList<>();
  private Double yMin;
  private Double yMax;

  /** A chart with a title and axis labels. */
  public SvgPlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Adds a series. */
  public SvgPlot add(Series s) {
    series.add(s);
    return this;
  }

  /**
   * A named horizontal level, drawn dashed across the whole x range (a baseline).
   *
   * @param name legend label
   * @param y the level
   */
  public record Level(String name, double y) {}

  /** Adds a dashed horizontal level (ignored when not finite). */
  public SvgPlot add(Level level) {
    if (Double.isFinite(level.y())) {
      levels.add(level);
    }
    return this;
  }

  /** Fixes the y range (e.g. 0..1 for accuracy). */
  public SvgPlot yRange(double min, double max) {
    this.yMin = min;
    this.yMax = max;
    return this;
  }

  /** Renders the chart as SVG text. */
  public String render() {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.xs().length; i++) {
        if (Double.isFinite(s.ys()[i])) {
          x0 = Math.min(x0, s.xs()[i]);
          x1 = Math.max(x1, s.xs()[i]);
          y0 = Math.min(y0, s.ys()[i]);
          y1 = Math.max(y1, s.ys()[i]);
        }
      }
    }
    for (Level l : levels) {
      y0 = Math.min(y0, l.y());
      y1 = Math.max(y1, l.y());
    }
    if (!Double.isFinite(x0)) {
      x0 = 0;
      x1 = 1;
    }
    if (!Double.isFinite(y0)) {
      y0 = 0;
      y1 = 1;
    }
    if (yMin != null) {
      y0 = yMin;
      y1 = yMax;
    }
    if (x1 == x0) {
      x1 = x0 + 1;
    }
    if (y1 == y0) {
      y1 = y0 + 1;
    }
    double pw = W - LEFT - RIGHT;
    // the plot area keeps its size; the picture widens for long legend labels
    int longest = 0;
    for (Series ser : series) {
      longest = Math.max(longest, ser.name().length());
    }
    for (Level l : levels) {
      longest = Math.max(longest, l.name().length());
    }
    int width = Math.max(W, LEFT + (int) pw + 48 + (int) Math.ceil(7.0 * longest));
    double ph = H - TOP - BOTTOM;
    StringBuilder sb = new StringBuilder();
    sb.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        width, H, width, H));
    sb.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, H));
    sb.append(f("<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
        LEFT, esc(title)));
    for (int i = 0; i <= 5; i++) {
      double yv = y0 + (y1 - y0) * i / 5;
      double py = TOP + ph - ph * i / 5;
      sb.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
          LEFT, py, LEFT + pw, py));
      sb.append(f("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT - 6, py + 4, tick(yv)));
    }
    double step = xStep(x0, x1, integral());
    double first = Math.ceil(x0 / step - 1e-9);
    for (int i = 0; (first + i) * step <= x1 + step * 1e-9; i++) {
      double xv = (first + i) * step;
      double px = LEFT + pw * (xv - x0) / (x1 - x0);
      sb.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
          px, TOP + ph + 18, tick(xv)));
    }
    sb.append(f("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
        + "stroke=\"#444\"/>%n", LEFT, TOP, pw, ph));
    sb.append(f("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + pw / 2, H - 12, esc(xLabel)));
    sb.append(f("<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
        + "transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
        TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < ser.xs().length; i++) {
        double y = ser.ys()[i];
        if (!Double.isFinite(y)) {
          continue;
        }
        double px = LEFT + pw * (ser.xs()[i] - x0) / (x1 - x0);
        double py = TOP + ph - ph * (Math.max(y0, Math.min(y1, y)) - y0) / (y1 - y0);
        pts.append(f("%.1f,%.1f ", px, py));
        if (ser.xs().length <= 60) {
          sb.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", px, py, color));
        }
      }
      sb.append(f("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
          pts.toString().trim(), color));
      int ly = TOP + 10 + s * 18;
      sb.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>%n", LEFT + pw + 12, ly, LEFT + pw + 32, ly, color));
      sb.append(f("<text x=\"%.1f\" y=\"%d\">%s</text>%n", LEFT + pw + 38, ly + 4,
          esc(ser.name())));
    }
    for (int l = 0; l < levels.size(); l++) {
      Level level = levels.get(l);
      String color = COLORS[(series.size() + l) % COLORS.length];
      double py = TOP + ph - ph * (Math.max(y0, Math.min(y1, level.y())) - y0) / (y1 - y0);
      sb.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
          + "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>%n", LEFT, py, LEFT + pw, py, color));
      int ly = TOP + 10 + (series.size() + l) * 18;
      sb.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\" stroke-dasharray=\"6 4\"/>%n",
          LEFT + pw + 12, ly, LEFT + pw + 32, ly, color));
      sb.append(f("<text x=\"%.1f\" y=\"%d\">%s</text>%n", LEFT + pw + 38, ly + 4,
          esc(level.name())));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** Whether every x value is a whole number (rounds): then x ticks are whole numbers too. */
  private boolean integral() {
    for (Series s : series) {
      for (double x : s.xs()) {
        if (x != Math.rint(x)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A tick step of 1, 2 or 5 times a power of ten giving at most 10 intervals. */
  static double xStep(double x0, double x1, boolean integral) {
    double raw = (x1 - x0) / 10;
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = 10 * pow;
    for (double m : new double[] {1, 2, 5}) {
      if (m * pow >= raw) {
        step = m * pow;
        break;
      }
    }
    return integral ? Math.max(1, Math.rint(step)) : step;
  }

  /** Writes the chart to a file. */
  public void write(Path file) throws IOException {
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }

  private static String tick(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return Long.toString((long) v);
    }
    return new java.math.BigDecimal(f("%.3g", v)).stripTrailingZeros().toPlainString();
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

package dev.fedge.server.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgPlotTest {

  /** The x tick labels: the text elements on the line below the plot area. */
  private static List<String> xTicks(String svg) {
    Matcher m = Pattern.compile("y=\"388\\.0\" text-anchor=\"middle\">([^<]*)<").matcher(svg);
    List<String> ticks = new ArrayList<>();
    while (m.find()) {
      ticks.add(m.group(1));
    }
    return ticks;
  }

  private static SvgPlot rounds(int n) {
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = i + 1;
      ys[i] = 0.5 + 0.01 * i;
    }
    return new SvgPlot("t", "round", "accuracy").add(new SvgPlot.Series("fedavg", xs, ys));
  }

  @Test
  void roundsGetWholeNumberTicksAtARoundStep() {
    assertEquals(
        List.of("5", "10", "15", "20", "25", "30", "35", "40", "45", "50"),
        xTicks(rounds(50).render()));
    assertEquals(List.of("1", "2", "3"), xTicks(rounds(3).render()));
    assertEquals(List.of("2", "4", "6", "8", "10", "12"), xTicks(rounds(12).render()));
  }

  @Test
  void fractionalXValuesKeepFractionalTicks() {
    String svg =
        new SvgPlot("t", "x", "y")
            .add(new SvgPlot.Series("s", new double[] {0, 0.5, 1}, new double[] {1, 2, 3}))
            .render();
    assertEquals(11, xTicks(svg).size(), xTicks(svg).toString());
    assertTrue(xTicks(svg).contains("0.5"), xTicks(svg).toString());
  }

  @Test
  void aLevelIsADashedBaselineWithItsOwnLegendEntry() {
    String svg = rounds(10).add(new SvgPlot.Level("local-only", 0.2)).yRange(0, 1).render();
    assertTrue(svg.contains(">local-only<"), svg);
    assertEquals(2, svg.split("stroke-dasharray").length - 1, "line and legend swatch");
    // y = 0.2 of 0..1 on a 330 px plot area starting at y = 40: 40 + 330 * 0.8
    assertTrue(svg.contains("y1=\"304.0\" x2=\"540.0\" y2=\"304.0\""), svg);
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\""), svg);
    String longName =
        rounds(10).add(new SvgPlot.Level("local-only (25 local epochs, every client)", 0.2)).render();
    // 64 + 476 + 48 + 7 px per character of the longest label
    assertTrue(longName.contains("width=\"882\""), longName);
    String none = rounds(10).add(new SvgPlot.Level("nan", Double.NaN)).render();
    assertTrue(!none.contains("stroke-dasharray"), "a level without a value is not drawn");
  }

  @Test
  void mismatchedSeriesLengthsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SvgPlot.Series("s", new double[] {1, 2}, new double[] {1}));
    assertTrue(e.getMessage().contains("'s'"), e.getMessage());
  }
}

package dev.fedge.data.reid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReidEvaluatorTest {

  /*
   * Hand-computed example. Gallery (id, camera); -1 is junk, 0 a distractor:
   *   g0 (1,c1) g1 (1,c2) g2 (2,c2) g3 (-1,c1) g4 (2,c1) g5 (3,c3) g6 (0,c3) g7 (3,c1)
   * The distance of a query to a gallery item is its position in the query's order below.
   *
   * q0 (1,c1) order g0 g2 g4 g3 g5 g6 g7 g1: g0 same id+cam -> ignored, g3 junk -> ignored;
   *    ranked: g2 g4 g5 g6 g7 g1 -> only match g1 at rank 6. AP = 1/6. hit@1 0, @5 0, @10 1.
   * q1 (2,c1) order g3 g4 g2 g0 g1 g5 g6 g7: g3 junk, g4 same id+cam -> ignored;
   *    ranked: g2 g0 g1 g5 g6 g7 -> match g2 at rank 1. AP = 1. hits 1 1 1.
   * q2 (3,c2) order g6 g0 g5 g1 g2 g7 g3 g4: nothing removed except junk g3;
   *    ranked: g6 g0 g5 g1 g2 g7 g4 -> matches g5 at rank 3, g7 at rank 6.
   *    AP = (1/3 + 2/6) / 2 = 1/3. hits 0 1 1.
   * q3 (4,c1): no gallery item has id 4 -> skipped; 3 valid queries.
   * rank1 = (0+1+0)/3 = 1/3, rank5 = (0+1+1)/3 = 2/3, rank10 = 3/3 = 1,
   * mAP = (1/6 + 1 + 1/3) / 3 = 1/2.
   */
  @Test
  void handComputedExample() {
    int[] gIds = {1, 1, 2, -1, 2, 3, 0, 3};
    int[] gCams = {1, 2, 2, 1, 1, 3, 3, 1};
    int[] qIds = {1, 2, 3, 4};
    int[] qCams = {1, 1, 2, 1};
    int[][] orders = {
      {0, 2, 4, 3, 5, 6, 7, 1},
      {3, 4, 2, 0, 1, 5, 6, 7},
      {6, 0, 5, 1, 2, 7, 3, 4},
      {0, 1, 2, 3, 4, 5, 6, 7}
    };
    double[][] dist = new double[4][8];
    for (int i = 0; i < 4; i++) {
      for (int pos = 0; pos < 8; pos++) {
        dist[i][orders[i][pos]] = pos + 1;
      }
    }
    ReidMetrics m = ReidEvaluator.evaluateDistances(dist, qIds, qCams, gIds, gCams, 10);
    assertEquals(3, m.validQueries());
    assertEquals(1.0 / 3, m.rank1(), 1e-12);
    assertEquals(2.0 / 3, m.rank5(), 1e-12);
    assertEquals(1.0, m.rank10(), 1e-12);
    assertEquals(0.5, m.mAP(), 1e-12);
    assertEquals(8, m.cmc().length); // cut to the gallery's size
  }

  @Test
  void embeddingScaleDoesNotChangeTheRanking() {
    Fixture f = Fixture.random(new Random(3), 12, 40, 6);
    ReidMetrics a = f.evaluate();
    for (float[] row : f.gallery) {
      for (int d = 0; d < row.length; d++) {
        row[d] *= 7.5f; // cosine and normalised Euclidean ignore the norm
      }
    }
    ReidMetrics b = f.evaluate();
    assertEquals(a.mAP(), b.mAP(), 1e-12);
    assertEquals(a.rank1(), b.rank1(), 1e-12);
  }

  @Test
  void noValidQueryIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReidEvaluator.evaluateDistances(new double[][] {{1, 2}}, new int[] {1},
            new int[] {1}, new int[] {1, 2}, new int[] {1, 1}, 10));
    assertEquals("no query has a valid gallery match (same identity from another camera)",
        e.getMessage());
  }

  @Test
  void agreesWithNumpyReference(@TempDir Path dir) throws Exception {
    assumePythonWithNumpy();
    Path script = Path.of(getClass().getResource("/reid/eval_market1501.py").toURI());
    for (long seed = 1; seed <= 3; seed++) {
      Fixture f = Fixture.random(new Random(seed), 25, 120, 8);
      Path file = dir.resolve("fixture-" + seed + ".txt");
      f.write(file);
      String[] ref = run(dir, "python3", script.toString(), file.toString()).strip().split(" ");
      ReidMetrics m = f.evaluate();
      assertEquals(Integer.parseInt(ref[4]), m.validQueries(), "valid queries, seed " + seed);
      assertEquals(Double.parseDouble(ref[0]), m.rank1(), 1e-6, "rank1, seed " + seed);
      assertEquals(Double.parseDouble(ref[1]), m.rank5(), 1e-6, "rank5, seed " + seed);
      assertEquals(Double.parseDouble(ref[2]), m.rank10(), 1e-6, "rank10, seed " + seed);
      assertEquals(Double.parseDouble(ref[3]), m.mAP(), 1e-6, "mAP, seed " + seed);
    }
  }

  private static void assumePythonWithNumpy() {
    String out;
    try {
      out = run(Path.of("."), "python3", "-c", "import numpy; print('ok')");
    } catch (IOException | InterruptedException | RuntimeException e) {
      out = e.toString();
    }
    Assumptions.assumeTrue(out.strip().equals("ok"),
        "python3 with numpy is needed for the reference check (apt install python3-numpy): "
            + out.strip());
  }

  private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Random queries and gallery with few ids and cameras, so same-camera matches and junk occur. */
  private static final class Fixture {
    float[][] query;
    int[] qIds;
    int[] qCams;
    float[][] gallery;
    int[] gIds;
    int[] gCams;

    static Fixture random(Random rnd, int nq, int ng, int dim) {
      Fixture f = new Fixture();
      int ids = 8;
      float[][] centres = new float[ids + 1][dim];
      for (float[] c : centres) {
        for (int d = 0; d < dim; d++) {
          c[d] = (float) rnd.nextGaussian();
        }
      }
      f.query = new float[nq][];
      f.qIds = new int[nq];
      f.qCams = new int[nq];
      for (int i = 0; i < nq; i++) {
        f.qIds[i] = 1 + rnd.nextInt(ids);
        f.qCams[i] = 1 + rnd.nextInt(3);
        f.query[i] = noisy(centres[f.qIds[i]], rnd);
      }
      f.gallery = new float[ng][];
      f.gIds = new int[ng];
      f.gCams = new int[ng];
      for (int j = 0; j < ng; j++) {
        int r = rnd.nextInt(20);
        f.gIds[j] = r == 0 ? -1 : r == 1 ? 0 : 1 + rnd.nextInt(ids); // junk, distractor, id
        f.gCams[j] = 1 + rnd.nextInt(3);
        f.gallery[j] = noisy(centres[Math.max(f.gIds[j], 0)], rnd);
      }
      return f;
    }

    private static float[] noisy(float[] c, Random rnd) {
      float[] out = new float[c.length];
      for (int d = 0; d < c.length; d++) {
        out[d] = c[d] + 1.2f * (float) rnd.nextGaussian();
      }
      return out;
    }

    ReidMetrics evaluate() {
      return ReidEvaluator.evaluate(query, qIds, qCams, gallery, gIds, gCams, 10);
    }

    void write(Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      lines.add(query.length + " " + gallery.length + " " + query[0].length);
      for (int i = 0; i < query.length; i++) {
        lines.add(line(qIds[i], qCams[i], query[i]));
      }
      for (int j = 0; j < gallery.length; j++) {
        lines.add(line(gIds[j], gCams[j], gallery[j]));
      }
      Files.write(file, lines);
    }

    private static String line(int id, int cam, float[] e) {
      StringBuilder sb = new StringBuilder(id + " " + cam);
      for (float v : e) {
        sb.append(' ').append(String.format(Locale.ROOT, "%.9g", v));
      }
      return sb.toString();
    }
  }
}

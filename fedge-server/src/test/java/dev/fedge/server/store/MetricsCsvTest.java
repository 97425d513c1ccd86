package dev.fedge.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {

  @Test
  void writesHeaderOnceAndReadsRowsBack(@TempDir Path dir) throws Exception {
    MetricsCsv csv = new MetricsCsv(dir.resolve("runs/r/metrics.csv"));

    csv.append(new MetricsCsv.Row(1, 0.5, 1.2, Double.NaN, Double.NaN, 1.5, 10, 0, 3.25));
    csv.append(new MetricsCsv.Row(2, 0.75, 0.7, Double.NaN, Double.NaN, 0.9, 9, 1, 3.0));

    List<String> lines = Files.readAllLines(csv.file());
    assertEquals(MetricsCsv.HEADER, lines.get(0));
    assertTrue(lines.get(0).startsWith("round,accuracy,loss"));
    assertEquals(3, lines.size());
    List<MetricsCsv.Row> rows = csv.read();
    assertEquals(0.75, rows.get(1).accuracy(), 1e-9);
    assertTrue(Double.isNaN(rows.get(0).clientAccuracy()));
    assertEquals(1, rows.get(1).failures());
  }

  @Test
  void aRepeatedRoundReplacesTheEarlierRowOnRead(@TempDir Path dir) throws Exception {
    MetricsCsv csv = new MetricsCsv(dir.resolve("m.csv"));
    csv.append(new MetricsCsv.Row(1, 0.5, 1, 0, 0, 0, 1, 0, 1));
    csv.append(new MetricsCsv.Row(1, 0.6, 1, 0, 0, 0, 1, 0, 1));

    assertEquals(1, csv.read().size());
    assertEquals(0.6, csv.read().get(0).accuracy(), 1e-9);
  }

  @Test
  void writesTheBytesItAlwaysWrote(@TempDir Path dir) throws Exception {
    MetricsCsv csv = new MetricsCsv(dir.resolve("m.csv"));
    csv.append(new MetricsCsv.Row(1, 0.5, 1.25, Double.NaN, Double.NaN, 0.123456789, 3, 0, 1.23456));
    csv.append(new MetricsCsv.Row(2, 1, -0.5, 0.25, 2, Double.NaN, 2, 1, 0));

    String nl = System.lineSeparator();
    assertEquals(MetricsCsv.HEADER + nl
        + "1,0.500000,1.250000,,,0.123457,3,0,1.235" + nl
        + "2,1.000000,-0.500000,0.250000,2.000000,,2,1,0.000" + nl, Files.readString(csv.file()));
  }

  @Test
  void readSkipsBlankLinesAndNamesTheBadLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.csv"), MetricsCsv.HEADER + "\n"
        + "1,0.5,,,,,3,0,1.0\n\n2,0.6,1,2\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MetricsCsv(file).read());

    assertEquals("m.csv line 4: expected 9 columns, got 4", e.getMessage());
  }

  @Test
  void reidRunsHaveRankAndMapColumns_classifyRunsDoNot(@TempDir Path dir) throws Exception {
    MetricsCsv reid = new MetricsCsv(dir.resolve("reid.csv"), true);
    reid.append(new MetricsCsv.Row(1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.8, 3, 0,
        2.0, java.util.Map.of("rank1", 0.9, "rank5", 0.95, "rank10", 0.975, "mAP", 0.5)));
    reid.append(new MetricsCsv.Row(2, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.7, 3, 0,
        2.0, java.util.Map.of("mAP", 0.625, "client_rank1", 0.25, "client_mAP", 0.125)));

    String nl = System.lineSeparator();
    assertEquals(MetricsCsv.HEADER + ",rank1,rank5,rank10,mAP"
        + ",client_rank1,client_rank5,client_rank10,client_mAP" + nl
        + "1,,,,,0.800000,3,0,2.000,0.900000,0.950000,0.975000,0.500000,,,," + nl
        + "2,,,,,0.700000,3,0,2.000,,,,0.625000,0.250000,,,0.125000" + nl,
        Files.readString(reid.file()));
    List<MetricsCsv.Row> rows = reid.read();
    assertEquals(0.95, rows.get(0).reid("rank5"), 1e-9);
    assertEquals(0.625, rows.get(1).reid("mAP"), 1e-9);
    assertEquals(0.25, rows.get(1).reid("client_rank1"), 1e-9);
    assertTrue(Double.isNaN(rows.get(1).reid("rank1")));
    assertTrue(Double.isNaN(rows.get(0).reid("client_mAP")));
    // rewritten (as a resumed run does), the columns stay
    reid.replaceAll(rows);
    assertEquals(rows, reid.read());
    // a classification file keeps its nine columns and reads without retrieval metrics
    MetricsCsv plain = new MetricsCsv(dir.resolve("plain.csv"));
    plain.append(new MetricsCsv.Row(1, 0.5, 1, 0, 0, 0, 1, 0, 1));
    assertEquals(MetricsCsv.HEADER, Files.readAllLines(plain.file()).get(0));
    assertTrue(plain.read().get(0).reid().isEmpty());
  }
}

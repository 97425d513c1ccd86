package dev.fedge.data.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.DataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {

  @TempDir Path dir;

  private static final int[] LABELS = {0, 7, 7, 0, 3, 7};

  private static Partition sample() {
    return Partition.of("shards:1", 5, LABELS, 10, new int[][] {{3, 0, 1}, {2, 4, 5}});
  }

  @Test
  void histogramsAndRendering() {
    Partition p = sample();

    assertArrayEquals(new int[] {0, 1, 3}, p.indices(0));
    assertArrayEquals(new int[] {2, 0, 0, 0, 0, 0, 0, 1, 0, 0}, p.histogram(0));
    assertEquals("client 0 | n=3 | 0:2 7:1\nclient 1 | n=3 | 3:1 7:2\n", p.render());
    assertEquals(6, p.size());
  }

  @Test
  void histogramTextChecksTheLabels() {
    Partition p = sample();

    assertEquals(p.render(), p.histogramText(LABELS, 10));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.histogramText(new int[] {1, 7, 7, 0, 3, 7}, 10));
    assertEquals("labels: client 0's labels do not match its histogram", e.getMessage());
  }

  @Test
  void renderingWithManyLabelsShowsTheLargest() {
    int[] labels = new int[30];
    int[] all = new int[30];
    for (int i = 0; i < 30; i++) {
      labels[i] = i < 10 ? 0 : i - 9; // label 0 ten times, labels 1..20 once
      all[i] = i;
    }

    String line = Partition.of("x", 0, labels, 21, new int[][] {all}).renderLine(0);

    assertEquals("client 0 | n=30 | 0:10 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 +11 more", line);
  }

  @Test
  void jsonRoundTripThroughAFile() throws Exception {
    Partition p = new DirichletPartitioner(0.5).partition(
        Labels.balanced(10, 30), 10, 6, 77);
    Path file = dir.resolve("run/partition.json");

    p.save(file);
    Partition back = Partition.load(file);

    assertEquals(p, back);
    assertEquals("dirichlet:0.5", back.spec());
    assertEquals(77, back.seed());
    assertTrue(Files.readString(file).contains("\"histogram\": ["));
  }

  @Test
  void writesTheLayoutItAlwaysHad() {
    Partition p = new Partition("dirichlet:0.5", 7, 2, new int[][] {{0, 2}, {1}, {}},
        new int[][] {{1, 1}, {0, 1}, {0, 0}});

    assertEquals("""
        {
          "spec": "dirichlet:0.5",
          "seed": 7,
          "numClasses": 2,
          "size": 3,
          "clients": [
            {"client": 0, "n": 2, "histogram": [1,1], "indices": [0,2]},
            {"client": 1, "n": 1, "histogram": [0,1], "indices": [1]},
            {"client": 2, "n": 0, "histogram": [0,0], "indices": []}
          ]
        }
        """, p.toJson());
    assertEquals(p, Partition.fromJson(p.toJson()));
  }

  @Test
  void loadRejectsWrongTypes() throws Exception {
    Path file = Files.writeString(dir.resolve("p.json"),
        "{\"spec\": \"iid\", \"seed\": 1.5, \"numClasses\": 2, \"size\": 0, \"clients\": []}");

    DataFormatException e = assertThrows(DataFormatException.class, () -> Partition.load(file));

    assertEquals(file + ": field 'seed' should be an integer, got 1.5", e.getMessage());
  }

  @Test
  void rejectsIndexOutsideTheSamples() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Partition("x", 0, 1, new int[][] {{0, 5}, {1}}, new int[][] {{2}, {1}}));

    assertEquals("clients: index 5 of client 0 is outside [0, 3)", e.getMessage());
  }

  @Test
  void rejectsDuplicateWithinCoverage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Partition("x", 0, 1, new int[][] {{0, 2}, {2}}, new int[][] {{2}, {1}}));

    assertEquals("clients: sample 2 is given twice", e.getMessage());
  }

  @Test
  void loadNamesFileAndProblem() throws Exception {
    Path file = Files.writeString(dir.resolve("p.json"),
        "{\"spec\": \"iid\", \"seed\": 1, \"numClasses\": 2, \"size\": 1, \"clients\": ["
            + "{\"client\": 0, \"n\": 2, \"histogram\": [1, 0], \"indices\": [0]}]}");

    DataFormatException e = assertThrows(DataFormatException.class, () -> Partition.load(file));

    assertEquals(file + ": clients[0]: n is 2 but it has 1 indices", e.getMessage());
  }

  @Test
  void loadRejectsBrokenJson() throws Exception {
    Path file = Files.writeString(dir.resolve("p.json"), "{\"spec\": \"iid\", ");

    DataFormatException e = assertThrows(DataFormatException.class, () -> Partition.load(file));

    assertEquals(file + ": bad JSON at character 16: Unexpected end-of-input within/between Object entries", e.getMessage());
  }
}

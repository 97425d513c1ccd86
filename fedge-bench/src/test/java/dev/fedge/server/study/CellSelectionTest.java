package dev.fedge.server.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellSelectionTest {

  @Test
  void pairsKeepTheirPartitionsColon() {
    List<StudyCell> cells = CellSelection.parse("fedavg:shards:2, fedntd:dirichlet:0.1", 1);

    assertEquals(
        List.of(
            new StudyCell("fedavg", "shards:2", 1), new StudyCell("fedntd", "dirichlet:0.1", 1)),
        cells);
  }

  @Test
  void allIsEighteenCellsInPriorityOrder() {
    List<StudyCell> cells = CellSelection.parse(null, 1);

    assertEquals(18, cells.size());
    assertEquals(
        List.of(
            new StudyCell("fedavg", "shards:2", 1),
            new StudyCell("fedntd", "shards:2", 1),
            new StudyCell("local-only", "shards:2", 1),
            new StudyCell("fedavg", "dirichlet:0.1", 1),
            new StudyCell("fedntd", "dirichlet:0.1", 1)),
        cells.subList(0, 5));
    assertEquals("iid", cells.get(17).partition());
  }

  @Test
  void partitionAndAlgorithmItemsExpandAndDuplicatesCollapse() {
    List<StudyCell> byPartition = CellSelection.parse("partition=iid,fedavg:iid", 2);
    List<StudyCell> byAlgorithm = CellSelection.parse("algorithm=fednova", 1);
    List<StudyCell> bare = CellSelection.parse("fedprox,shards:2", 1);

    assertEquals(12, byPartition.size());
    assertTrue(byPartition.stream().allMatch(c -> c.partition().equals("iid")));
    assertEquals(1, byPartition.get(0).seed());
    assertEquals(2, byPartition.get(11).seed());
    assertEquals(3, byAlgorithm.size());
    assertTrue(byAlgorithm.stream().allMatch(c -> c.algorithm().equals("fednova")));
    assertEquals(3 + 6 - 1, bare.size());
  }

  @Test
  void badItemsAreNamedInOneLine() {
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> CellSelection.parse("fedavgx:shards:2", 1));
    IllegalArgumentException partition =
        assertThrows(
            IllegalArgumentException.class, () -> CellSelection.parse("fedavg:shards:x", 1));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class, () -> CellSelection.parse("fedavg:iid,,fedntd:iid", 1));
    IllegalArgumentException key =
        assertThrows(
            IllegalArgumentException.class, () -> CellSelection.parse("strategy=fedavg", 1));
    IllegalArgumentException seeds =
        assertThrows(IllegalArgumentException.class, () -> CellSelection.parse("all", 0));

    assertTrue(unknown.getMessage().contains("unknown algorithm 'fedavgx'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("fedntd"), unknown.getMessage());
    assertTrue(partition.getMessage().contains("bad partition 'shards:x'"), partition.getMessage());
    assertTrue(empty.getMessage().contains("empty item"), empty.getMessage());
    assertTrue(key.getMessage().contains("unknown key 'strategy'"), key.getMessage());
    assertTrue(seeds.getMessage().contains("--seeds"), seeds.getMessage());
    for (IllegalArgumentException e : List.of(unknown, partition, empty, key, seeds)) {
      assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void cellFilesHaveNoColons() {
    StudyCell cell = new StudyCell("FedNTD", "dirichlet:0.1", 3);

    assertEquals("fedntd", cell.algorithm());
    assertEquals(
        java.nio.file.Path.of("r/dirichlet-0.1/fedntd-s3.csv"),
        cell.csv(java.nio.file.Path.of("r")));
    assertEquals(
        "fedntd-s3.ckpt.safetensors",
        cell.checkpoint(java.nio.file.Path.of("r")).getFileName().toString());
  }
}

package dev.fedge.server.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.store.MetricsCsv;
import dev.fedge.server.store.StrategyStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real tiny simulations (Fashion-MNIST, cnn, a few hundred images) interrupted and resumed. */
class CellRunnerTest {

  private static StudySettings tiny(int rounds) {
    return new StudySettings(
        "fashion-mnist",
        "cnn",
        4,
        0.5,
        1,
        50,
        0.02,
        0.5,
        rounds,
        400,
        200,
        100,
        2,
        2,
        Path.of("data"));
  }

  /** Stands for a process killed right after a round's files were written. */
  private static final class Killed extends IOException {
    Killed(int round) {
      super("killed after round " + round);
    }
  }

  private static CellRunner runner(StudySettings s, Path dir, List<String> lines) {
    return new CellRunner(s, dir.resolve("results"), dir.resolve("work"), "test", lines::add);
  }

  private static List<Integer> roundsInFile(Path csv) throws IOException {
    List<Integer> rounds = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv);
    assertEquals(MetricsCsv.HEADER, lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      rounds.add(Integer.parseInt(l.substring(0, l.indexOf(','))));
    }
    return rounds;
  }

  @Test
  void aCellInterruptedAfterRoundTwoResumesAtThreeWithEveryRoundOnce(@TempDir Path dir)
      throws Exception {
    StudyCell cell = new StudyCell("fedavg", "iid", 1);
    Path results = dir.resolve("results");
    List<String> lines = new ArrayList<>();
    CellRunner first =
        runner(tiny(3), dir, lines)
            .afterRound(
                r -> {
                  if (r.round() == 2) {
                    throw new Killed(2);
                  }
                });
    assertThrows(Killed.class, () -> first.run(cell));
    assertEquals(List.of(1, 2), roundsInFile(cell.csv(results)));
    assertEquals(2, Checkpoint.read(cell.checkpoint(results)).round());
    assertFalse(CellRecord.read(cell.json(results)).complete());
    // the kill came after the CSV row of round 3 but before its checkpoint
    new MetricsCsv(cell.csv(results))
        .append(new MetricsCsv.Row(3, 0.999, 0.01, Double.NaN, Double.NaN, 0.01, 99, 0, 1.0));

    CellRecord record = runner(tiny(3), dir, lines).run(cell);

    assertEquals(List.of(1, 2, 3), roundsInFile(cell.csv(results)));
    MetricsCsv.Row third = new MetricsCsv(cell.csv(results)).read().get(2);
    assertEquals(2, third.participants(), "round 3 was run again, not kept from the dead run");
    assertTrue(third.accuracy() > 0 && third.accuracy() < 0.999);
    assertTrue(record.complete());
    assertEquals(List.of(2), record.resumedAfter());
    assertEquals(2, record.runs().size());
    assertEquals(3, record.runs().get(1).firstRound());
    assertEquals(3, record.runs().get(1).lastRound());
    assertEquals(record, CellRecord.read(cell.json(results)));
    assertFalse(Files.exists(cell.checkpoint(results)), "a complete cell keeps no checkpoint");
    assertTrue(lines.contains("[fedavg iid s1] resuming after round 2 of 3"), lines.toString());
  }

  @Test
  void aCompleteCellIsSkippedAndOtherSettingsAreRefused(@TempDir Path dir) throws Exception {
    StudyCell cell = new StudyCell("fedntd", "shards:2", 1);
    Path results = dir.resolve("results");
    runner(tiny(1), dir, new ArrayList<>()).run(cell);
    String csv = Files.readString(cell.csv(results));
    List<String> lines = new ArrayList<>();

    runner(tiny(1), dir, lines).run(cell);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> runner(tiny(2), dir, new ArrayList<>()).run(cell));

    assertEquals(csv, Files.readString(cell.csv(results)));
    assertEquals(List.of("[fedntd shards:2 s1] complete (1 rounds), skipped"), lines);
    assertTrue(e.getMessage().contains("rounds: 1 there, 2 now"), e.getMessage());
  }

  @Test
  void withoutACheckpointAnUnfinishedCellStartsOver(@TempDir Path dir) throws Exception {
    StudyCell cell = new StudyCell("fedavg", "iid", 1);
    Path results = dir.resolve("results");
    CellRunner first =
        runner(tiny(2), dir, new ArrayList<>())
            .afterRound(
                r -> {
                  throw new Killed(r.round());
                });
    assertThrows(Killed.class, () -> first.run(cell));
    Files.delete(cell.checkpoint(results));
    List<String> lines = new ArrayList<>();

    CellRecord record = runner(tiny(2), dir, lines).run(cell);

    assertEquals(List.of(1, 2), roundsInFile(cell.csv(results)));
    assertEquals(List.of(), record.resumedAfter());
    assertTrue(lines.get(0).contains("no usable checkpoint; starting over"), lines.toString());
  }

  @Test
  void fedAdamResumesWithItsMoments_andStartsOverWithoutThem(@TempDir Path dir) throws Exception {
    StudyCell cell = new StudyCell("fedadam", "iid", 1);
    Path results = dir.resolve("results");
    Path scratch = dir.resolve("work").resolve("iid").resolve("fedadam-s1");
    CellRunner first =
        runner(tiny(3), dir, new ArrayList<>())
            .afterRound(
                r -> {
                  if (r.round() == 2) {
                    throw new Killed(2);
                  }
                });
    assertThrows(Killed.class, () -> first.run(cell));
    Checkpoint.Saved saved = Checkpoint.read(cell.checkpoint(results));
    assertEquals("m,v", saved.metadata().get(CellRunner.STRATEGY_STATE));
    StrategyStateFile.Saved state = StrategyStateFile.read(CellRunner.stateFile(scratch, 2));
    assertEquals(2, state.round());
    assertEquals(saved.parameters().size(), state.buffers().get("v").length);
    assertFalse(Files.exists(CellRunner.stateFile(scratch, 1)), "only the checkpoint's round");

    List<String> lines = new ArrayList<>();
    CellRecord resumed = runner(tiny(3), dir, lines).run(cell);

    assertTrue(lines.contains("[fedadam iid s1] resuming after round 2 of 3"), lines.toString());
    assertEquals(List.of(2), resumed.resumedAfter());
    assertFalse(Files.exists(CellRunner.stateFile(scratch, 2)), "a complete cell keeps none");

    // the same kill, then the state is lost (another machine): the cell starts over
    StudyCell other = new StudyCell("fedadam", "shards:2", 1);
    CellRunner again =
        runner(tiny(3), dir, new ArrayList<>())
            .afterRound(
                r -> {
                  if (r.round() == 1) {
                    throw new Killed(1);
                  }
                });
    assertThrows(Killed.class, () -> again.run(other));
    Path otherScratch = dir.resolve("work").resolve("shards-2").resolve("fedadam-s1");
    Files.delete(CellRunner.stateFile(otherScratch, 1));
    List<String> over = new ArrayList<>();

    CellRecord restarted = runner(tiny(3), dir, over).run(other);

    assertTrue(
        over.stream().anyMatch(l -> l.contains("needs fedadam's server-side state (m,v)")
            && l.endsWith("starting over")),
        over.toString());
    assertEquals(List.of(), restarted.resumedAfter());
    assertEquals(List.of(1, 2, 3), roundsInFile(other.csv(results)));
  }

  @Test
  void localOnlyEvaluatesEveryKRoundsAndResumesWithoutACheckpoint(@TempDir Path dir)
      throws Exception {
    StudyCell cell = new StudyCell("local-only", "shards:2", 1);
    Path results = dir.resolve("results");
    // 6 federated rounds at fraction 0.5: local-only runs 3, the local epochs of an average client
    assertEquals(3, tiny(6).roundsFor("local-only"));
    assertEquals(6, tiny(6).roundsFor("fedavg"));
    CellRunner first =
        runner(tiny(6), dir, new ArrayList<>())
            .afterRound(
                r -> {
                  if (r.round() == 1) {
                    throw new Killed(1);
                  }
                });
    assertThrows(Killed.class, () -> first.run(cell));
    assertFalse(Files.exists(cell.checkpoint(results)));

    CellRecord record = runner(tiny(6), dir, new ArrayList<>()).run(cell);

    List<MetricsCsv.Row> rows = new MetricsCsv(cell.csv(results)).read();
    assertEquals(List.of(1, 2, 3), roundsInFile(cell.csv(results)));
    assertTrue(record.complete());
    assertTrue(Double.isNaN(rows.get(0).accuracy()), "round 1 is not an evaluation round");
    assertTrue(rows.get(1).accuracy() > 0, "round 2 (every 2)");
    assertTrue(rows.get(2).accuracy() > 0, "round 3 (the last)");
    assertEquals(4, rows.get(2).participants(), "local-only trains every client");
    assertEquals(List.of(1), record.resumedAfter());
  }
}

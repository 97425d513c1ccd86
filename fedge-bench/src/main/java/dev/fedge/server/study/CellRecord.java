package dev.fedge.server.study;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cell's JSON beside its CSV: the exact settings it runs with, how far it is, and every run
 * (segment) that added rounds to it, with the command, the machine and the dates.
 *
 * @param cell the cell
 * @param settings {@link StudySettings#toMap()} of its runs
 * @param roundsDone rounds in the CSV
 * @param complete whether all rounds are done
 * @param resumedAfter rounds after which a later run resumed the cell
 * @param runs the runs, oldest first
 */
public record CellRecord(
    StudyCell cell,
    Map<String, Object> settings,
    int roundsDone,
    boolean complete,
    List<Integer> resumedAfter,
    List<Segment> runs) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One run of a cell.
   *
   * @param command the command line
   * @param machine cores, processor, system and Java
   * @param started when it started (ISO-8601, UTC)
   * @param updated when it last finished a round (ISO-8601, UTC)
   * @param firstRound the first round it ran
   * @param lastRound the last round it finished (firstRound - 1 when none)
   */
  public record Segment(
      String command,
      String machine,
      String started,
      String updated,
      int firstRound,
      int lastRound) {}

  /** Copies. */
  public CellRecord {
    settings = new LinkedHashMap<>(settings);
    resumedAfter = List.copyOf(resumedAfter);
    runs = List.copyOf(runs);
  }

  /** A new record with one more (empty) run. */
  public CellRecord withRun(Segment segment, int resumedAfterRound) {
    List<Integer> resumed = new ArrayList<>(resumedAfter);
    if (resumedAfterRound > 0) {
      resumed.add(resumedAfterRound);
    }
    List<Segment> r = new ArrayList<>(runs);
    r.add(segment);
    return new CellRecord(cell, settings, resumedAfterRound, false, resumed, r);
  }

  /** A new record after a round of the last run. */
  public CellRecord afterRound(int round, String now, boolean done) {
    List<Segment> r = new ArrayList<>(runs);
    Segment last = r.remove(r.size() - 1);
    r.add(
        new Segment(last.command(), last.machine(), last.started(), now, last.firstRound(), round));
    return new CellRecord(cell, settings, round, done, resumedAfter, r);
  }

  /** A new record marked complete after {@code round}, runs unchanged. */
  public CellRecord completed(int round) {
    return new CellRecord(cell, settings, round, true, resumedAfter, runs);
  }

  /** Reads a record; null when the file does not exist. */
  public static CellRecord read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), CellRecord.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": not a cell record: " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
    }
  }

  /** Writes the record atomically. */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}

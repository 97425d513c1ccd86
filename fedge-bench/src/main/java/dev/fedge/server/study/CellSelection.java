package dev.fedge.server.study;

import dev.fedge.data.partition.Partitioner;
import dev.fedge.strategy.Strategies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which cells to run, from a {@code --cells} spec: comma-separated items, their union.
 *
 * <ul>
 *   <li>{@code all}: every algorithm on every partition of the study;
 *   <li>{@code ALGORITHM:PARTITION}, e.g. {@code fedavg:shards:2};
 *   <li>{@code partition=P} or a bare partition ({@code shards:2}, {@code iid}): every algorithm on
 *       P;
 *   <li>{@code algorithm=A} or a bare algorithm ({@code fedntd}): A on every partition.
 * </ul>
 *
 * <p>Each (algorithm, partition) runs once per seed {@code 1..seeds}. Cells come back in the
 * study's priority order: FedAvg and FedNTD on {@code shards:2}, local-only on {@code shards:2},
 * the same on {@code dirichlet:0.1}, then the rest.
 */
public final class CellSelection {

  /** The study's algorithms, in the report's order. */
  public static final List<String> ALGORITHMS =
      List.of("local-only", "fedavg", "fedprox", "fedntd", "fednova", "fedadam");

  /** The study's partitions, in the report's order. */
  public static final List<String> PARTITIONS = List.of("shards:2", "dirichlet:0.1", "iid");

  private static final List<String> PRIORITY = List.of("fedavg", "fedntd", "local-only");
  private static final Set<String> PARTITION_KINDS = Set.of("iid", "dirichlet", "shards");

  private CellSelection() {}

  /**
   * Parses a spec.
   *
   * @param spec the {@code --cells} value; null or blank means {@code all}
   * @param seeds seeds {@code 1..seeds}
   * @return the cells, without duplicates, in priority order
   * @throws IllegalArgumentException naming the bad item, in one line
   */
  public static List<StudyCell> parse(String spec, int seeds) {
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
    }
    String s = spec == null || spec.isBlank() ? "all" : spec.strip();
    Set<String> pairs = new LinkedHashSet<>();
    for (String raw : s.split(",", -1)) {
      String item = raw.strip().toLowerCase(Locale.ROOT);
      if (item.isEmpty()) {
        throw new IllegalArgumentException("--cells: empty item in '" + s + "'");
      }
      if (item.equals("all")) {
        for (String p : PARTITIONS) {
          for (String a : ALGORITHMS) {
            pairs.add(a + "|" + p);
          }
        }
      } else if (item.contains("=")) {
        String key = item.substring(0, item.indexOf('=')).strip();
        String value = item.substring(item.indexOf('=') + 1).strip();
        if (key.equals("partition")) {
          String p = partition(value, item);
          ALGORITHMS.forEach(a -> pairs.add(a + "|" + p));
        } else if (key.equals("algorithm")) {
          String a = algorithm(value, item);
          PARTITIONS.forEach(p -> pairs.add(a + "|" + p));
        } else {
          throw new IllegalArgumentException(
              "--cells: unknown key '"
                  + key
                  + "' in '"
                  + item
                  + "'; expected partition=P or algorithm=A");
        }
      } else {
        int colon = item.indexOf(':');
        String head = colon < 0 ? item : item.substring(0, colon);
        if (PARTITION_KINDS.contains(head)) {
          String p = partition(item, item);
          ALGORITHMS.forEach(a -> pairs.add(a + "|" + p));
        } else if (colon < 0) {
          String a = algorithm(item, item);
          PARTITIONS.forEach(p -> pairs.add(a + "|" + p));
        } else {
          pairs.add(algorithm(head, item) + "|" + partition(item.substring(colon + 1), item));
        }
      }
    }
    List<StudyCell> cells = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      for (String pair : pairs) {
        String[] ap = pair.split("\\|");
        cells.add(new StudyCell(ap[0], ap[1], seed));
      }
    }
    cells.sort(
        Comparator.comparingLong(StudyCell::seed)
            .thenComparingInt(CellSelection::rank)
            .thenComparing(StudyCell::partition)
            .thenComparing(StudyCell::algorithm));
    return cells;
  }

  /** Priority of a cell: lower runs first. */
  static int rank(StudyCell c) {
    int p = PARTITIONS.indexOf(c.partition());
    int a = ALGORITHMS.indexOf(c.algorithm());
    int pr = PRIORITY.indexOf(c.algorithm());
    if (pr >= 0 && (p == 0 || p == 1)) {
      return p * PRIORITY.size() + pr;
    }
    return 10 + (p < 0 ? PARTITIONS.size() : p) * 10 + (a < 0 ? ALGORITHMS.size() : a);
  }

  private static String algorithm(String name, String item) {
    String a = name.strip();
    if (!Strategies.names().contains(a)) {
      throw new IllegalArgumentException(
          "--cells: unknown algorithm '"
              + a
              + "' in '"
              + item
              + "'; known: "
              + String.join(", ", Strategies.names()));
    }
    return a;
  }

  private static String partition(String spec, String item) {
    String p = spec.strip();
    try {
      Partitioner.parse(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--cells: bad partition '" + p + "' in '" + item + "': " + e.getMessage());
    }
    return p;
  }
}

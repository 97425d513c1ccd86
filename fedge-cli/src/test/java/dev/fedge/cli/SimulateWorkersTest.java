package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.store.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge simulate --workers N}: clients trained in worker processes (issue 17 item 2). */
class SimulateWorkersTest {

  private static final String[] RUN = {"simulate", "--clients", "5", "--rounds", "2",
      "--train-limit", "1500", "--test-limit", "300", "--local-epochs", "1", "--seed", "11",
      "--fraction-evaluate", "1", "--overwrite"};

  private static String[] with(String... more) {
    List<String> all = new ArrayList<>(List.of(RUN));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** metrics.csv without its seconds column (wall time differs, nothing else may). */
  private static List<String> metricsWithoutTime(Path run) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
      out.add(line.substring(0, line.lastIndexOf(',')));
    }
    return out;
  }

  @Test
  void threeWorkersGiveTheRunOfOneProcessBitForBit(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path three = dir.resolve("three");

    CliRun a = CliRun.of(with("--workers", "1", "--threads", "1", "--out", one.toString()));
    CliRun b = CliRun.of(with("--workers", "3", "--threads", "3", "--out", three.toString()));

    assertEquals(0, a.code(), a.err() + a.out());
    assertEquals(0, b.code(), b.err() + b.out());
    assertFalse(a.out().contains("worker processes"), a.out());
    assertTrue(b.out().contains("training in 3 worker processes, 1 PyTorch thread each"), b.out());
    // training (fit) and the clients' evaluation both went through the workers
    List<String> rows = metricsWithoutTime(three);
    assertEquals(3, rows.size(), rows.toString());
    assertEquals(metricsWithoutTime(one), rows);
    assertEquals(SafeTensors.read(one.resolve("model.safetensors")).parameters(),
        SafeTensors.read(three.resolve("model.safetensors")).parameters());
    String second = rows.get(2);
    assertTrue(second.split(",")[3].length() > 0, "client accuracy column: " + second);
  }

  @Test
  void zeroWorkersIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    CliRun r = CliRun.of(with("--workers", "0", "--out", dir.resolve("r").toString()));

    assertEquals(2, r.code(), r.err());
    assertEquals("fedge: --workers must be >= 1, got 0", r.err().strip());
    assertFalse(Files.exists(dir.resolve("r").resolve("metrics.csv")));
  }
}

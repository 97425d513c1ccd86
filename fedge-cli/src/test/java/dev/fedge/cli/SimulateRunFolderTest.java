package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.server.sim.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where simulate reads its data and writes its run (issue 12's simulate defects). */
class SimulateRunFolderTest {

  private static final String[] SMALL = {"simulate", "--clients", "2", "--rounds", "1",
      "--train-limit", "200", "--test-limit", "100", "--local-epochs", "1"};

  private static String[] with(String... more) {
    String[] r = new String[SMALL.length + more.length];
    System.arraycopy(SMALL, 0, r, 0, SMALL.length);
    System.arraycopy(more, 0, r, SMALL.length, more.length);
    return r;
  }

  @Test
  void dataDirProperty_isTheDefaultDataFolder() {
    String before = System.getProperty("fedge.data.dir");
    System.setProperty("fedge.data.dir", "/srv/fedge-data");
    try {
      assertEquals(Path.of("/srv/fedge-data"), SimulationConfig.fromMap(Map.of()).dataDir());
    } finally {
      if (before == null) {
        System.clearProperty("fedge.data.dir");
      } else {
        System.setProperty("fedge.data.dir", before);
      }
    }
  }

  @Test
  void outThatIsAFile_saysSoInOneLine_exit2(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");

    CliRun onFile = CliRun.of(with("--out", file.toString()));
    CliRun under = CliRun.of(with("--out", file.resolve("sub").toString()));

    assertEquals(2, onFile.code(), onFile.err());
    assertEquals("fedge: --out " + file + " is a file, not a folder", onFile.err().strip());
    assertEquals(2, under.code(), under.err());
    assertEquals(1, under.errLines(), under.err());
    assertTrue(under.err().startsWith("fedge: cannot create run folder " + file.resolve("sub")
        + ": "), under.err());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void anEarlierRunInTheGivenOut_isNotOverwritten_unlessAsked(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Files.createDirectories(out);
    Files.writeString(out.resolve("metrics.csv"), "earlier run");

    CliRun refused = CliRun.of(with("--out", out.toString(), "--lr", "0.02"));

    assertEquals(2, refused.code(), refused.err());
    assertEquals("fedge: run folder " + out + " holds an earlier run; use --overwrite to replace"
        + " it, or another --out", refused.err().strip());
    assertEquals("earlier run", Files.readString(out.resolve("metrics.csv")));

    CliRun forced = CliRun.of(with("--out", out.toString(), "--overwrite"));
    assertEquals(0, forced.code(), forced.err());
    assertTrue(Files.readString(out.resolve("metrics.csv")).startsWith("round,"));
  }

  @Test
  void theDefaultFolderTaken_aNumberedOneIsChosenAndNamed(@TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("s.yaml"), "name: twice\n");
    Path taken = Path.of("runs", "twice");
    Path next = Path.of("runs", "twice-2");
    try {
      Files.createDirectories(taken);
      Files.writeString(taken.resolve("metrics.csv"), "earlier run");

      CliRun r = CliRun.of(with("--config", yaml.toString()));

      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("run folder " + taken + " holds an earlier run; writing to "
          + next), r.err());
      assertEquals("earlier run", Files.readString(taken.resolve("metrics.csv")));
      assertTrue(Files.readString(next.resolve("metrics.csv")).startsWith("round,"));
    } finally {
      for (Path p : new Path[] {taken, next}) {
        if (Files.exists(p)) {
          try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          }
        }
      }
    }
  }
}

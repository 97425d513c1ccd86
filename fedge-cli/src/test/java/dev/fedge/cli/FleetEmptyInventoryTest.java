package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedge fleet ping} with an inventory that lists no host: one line, exit 2. */
class FleetEmptyInventoryTest {

  @TempDir Path tmp;

  @Test
  void anEmptyInventory_isOneLineNamingTheFile_exit2() throws Exception {
    Path inv = Files.writeString(tmp.resolve("hosts.ini"), "# nothing yet\n[edge]\n");

    CliRun r = CliRun.of("fleet", "ping", "-i", inv.toString());

    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals("", r.out());
    assertEquals("fedge: inventory " + inv + " has no hosts\n", r.err());
  }
}

package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeployReportTest {

  @Test
  void summaryCountsRemovedFilesOnlyWhenPruning() {
    DeployReport pruned = new DeployReport(1, 3, 10, true, List.of("lib/a.jar", "lib/b.jar"));
    DeployReport kept = new DeployReport(0, 4, 0);

    assertEquals("1 file copied, 3 unchanged, 2 removed, 10 B sent (10 bytes)", pruned.summary());
    assertEquals("0 files copied, 4 unchanged, 0 B sent (0 bytes)", kept.summary());
    assertEquals("0 files copied, 4 unchanged, 0 removed, 0 B sent (0 bytes)",
        new DeployReport(0, 4, 0, true, List.of()).summary());
  }

  @Test
  void summaryNamesTheNativePlatformSent() {
    DeployReport r = new DeployReport(2, 0, 3 * 1024 * 1024, true, List.of())
        .withPlatform(new NativePlatform("linux-aarch64"));

    assertEquals("2 files copied, 0 unchanged, 0 removed, 3.0 MiB sent (3145728 bytes),"
        + " native linux-aarch64", r.summary());
  }

  @Test
  void changedWhenSomethingWasCopiedOrRemoved() {
    assertTrue(new DeployReport(0, 4, 0, true, List.of("lib/a.jar")).changed());
    assertTrue(new DeployReport(1, 3, 5).changed());
    assertFalse(new DeployReport(0, 4, 0, true, List.of()).changed());
  }

  @Test
  void removedIsCopiedAndNeedsPruning() {
    List<String> removed = new ArrayList<>(List.of("lib/a.jar"));
    DeployReport r = new DeployReport(0, 0, 0, true, removed);
    removed.add("lib/b.jar");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DeployReport(0, 0, 0, false, List.of("lib/a.jar")));

    assertEquals(List.of("lib/a.jar"), r.removed());
    assertEquals("removed: a deploy that did not prune removed nothing, got [lib/a.jar]",
        e.getMessage());
  }
}

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

    assertEquals("1 file copied, 3 unchanged, 2 removed", pruned.summary());
    assertEquals("0 files copied, 4 unchanged", kept.summary());
    assertEquals("0 files copied, 4 unchanged, 0 removed",
        new DeployReport(0, 4, 0, true, List.of()).summary());
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

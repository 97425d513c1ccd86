package dev.fedge.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.server.store.Quota;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-project model store quotas on a real store and a real SQLite state file. */
class ProjectQuotaTest {

  @TempDir Path dir;

  static Parameters model(float v) {
    Parameters p = Parameters.zeros(ParameterLayout.of(new TensorSpec("w", new int[] {1000})));
    java.util.Arrays.fill(p.values(), v);
    return p;
  }

  @Test
  void saveBeyondTheQuota_isRefusedNamingProjectAndQuota_andNothingIsLost() throws Exception {
    try (StateStore state = StateStore.open(dir.resolve("fedge.db"));
        ProjectStore projects = ProjectStore.open(state.db())) {
      ModelStore store = new ModelStore(dir.resolve("models"));
      store.save(new ModelKey("probe", "m", 1), model(0), Map.of());
      long one = store.bytes("probe", "m");
      store.delete(new ModelKey("probe", "m", 1));
      projects.createProject("alpha", one * 3 / 2);
      state.createRun(new RunSpec("run-alpha", "alpha", "m", 3, 1, 1, Duration.ofSeconds(30),
          "float32", Map.of()));
      projects.assignRun("run-alpha", "alpha");
      store.setQuota(new ProjectQuota(projects));

      store.save(new ModelKey("alpha", "m", 1), model(1), Map.of());
      store.save(new ModelKey("alpha", "m", 1), model(2), Map.of()); // replacing fits
      Quota.QuotaExceededException e = assertThrows(Quota.QuotaExceededException.class,
          () -> store.save(new ModelKey("alpha", "m", 2), model(3), Map.of()));
      store.save(new ModelKey("lab", "fmnist", 1), model(4), Map.of()); // default: no quota

      assertTrue(e.getMessage().startsWith("project 'alpha' has a model store quota of "
          + (one * 3 / 2) + " bytes: saving alpha/m/2"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertEquals(List.of(1), store.rounds("alpha", "m"));
      assertEquals(2f, store.load(new ModelKey("alpha", "m", 1)).values()[0]);
      try (var left = Files.list(dir.resolve("models/alpha/m"))) {
        assertEquals(List.of("1"), left.map(p -> p.getFileName().toString()).toList());
      }
      assertEquals(List.of(1), store.rounds("lab", "fmnist"));
    }
  }
}

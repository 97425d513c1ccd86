package dev.fedge.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientFailure;
import dev.fedge.server.RoundResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training workers that die: their clients fail with a reason naming the worker. */
class WorkerPoolTest {

  @Test
  void aKilledWorkersClientsFailNamingItAndTheOthersGoOn(@TempDir Path dir) throws Exception {
    SimulationConfig cfg = SimulationConfig.fromMap(Map.of("clients", 4, "rounds", 2,
        "train-limit", 800, "test-limit", 200, "local-epochs", 1, "threads", 2,
        "out", dir.resolve("run").toString()));
    List<RoundResult> rounds = new ArrayList<>();
    List<ProcessHandle> killed = new ArrayList<>();

    new Simulation(cfg, new SimulationProgress() {}).workers(2).onRound(r -> {
      rounds.add(r);
      if (r.round() == 1) {
        // the simulation's only child processes are its workers (their command lines are too
        // long to search: the kernel's copy is cut short)
        List<ProcessHandle> workers = ProcessHandle.current().children().toList();
        assertEquals(2, workers.size(), workers.toString());
        ProcessHandle worker = workers.get(0);
        worker.destroyForcibly();
        worker.onExit().join();
        killed.add(worker);
      }
    }).run();

    assertEquals(1, killed.size());
    assertTrue(rounds.get(0).failures().isEmpty(), rounds.get(0).failures().toString());
    RoundResult second = rounds.get(1);
    assertTrue(second.completed());
    assertEquals(2, second.participants().size(), second.participants().toString());
    assertEquals(2, second.failures().size(), second.failures().toString());
    for (ClientFailure f : second.failures()) {
      assertTrue(f.reason().contains("training worker") && f.reason().contains("exited with code"),
          f.reason());
      assertTrue(!f.reason().contains("\n"), f.reason());
    }
    assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
        "no worker left running");
  }
}

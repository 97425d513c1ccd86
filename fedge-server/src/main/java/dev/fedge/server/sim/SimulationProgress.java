package dev.fedge.server.sim;

import dev.fedge.server.RoundResult;

/** Hears a simulation's progress (a console bar, a log, a test). */
public interface SimulationProgress {

  /** A progress that shows nothing. */
  SimulationProgress NONE = new SimulationProgress() {};

  /** A line of setup information (data loaded, partition, model size). */
  default void info(String line) {}

  /** A round began with this many clients. */
  default void roundStarted(int round, int rounds, int clients) {}

  /** {@code done} of {@code total} clients have returned in this round. */
  default void clientDone(int round, int rounds, int done, int total) {}

  /** A round ended. */
  default void roundFinished(RoundResult result, int rounds) {}
}

package dev.fedge.server;

import dev.fedge.api.ClientFailure;
import java.util.List;

/** Hears what a round does, for progress bars, logs, state and dashboards. */
public interface RoundListener {

  /** A listener that does nothing. */
  RoundListener NONE = new RoundListener() {};

  /** The round's clients were chosen. */
  default void roundStarted(int round, List<String> clientIds) {}

  /** A client's result was folded into the aggregate. */
  default void clientSucceeded(int round, String clientId, int numExamples) {}

  /** A client failed, timed out or sent an unusable result. */
  default void clientFailed(int round, ClientFailure failure) {}

  /** The round ended. */
  default void roundFinished(RoundResult result) {}
}

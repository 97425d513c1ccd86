package dev.fedge.server.net;

import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.transport.FederationException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where the registry tells what happened: one log line per notable thing, and events (of the
 * current run, if any) in the state store. Failing to record an event is logged, never thrown.
 */
final class RegistryLog {

  private final StateStore state;
  private final Consumer<String> log;
  private final Supplier<String> runId;

  /**
   * A log.
   *
   * @param state where events go, or null for none
   * @param log where lines go, or null for nowhere
   * @param runId the current run's id ("" for none)
   */
  RegistryLog(StateStore state, Consumer<String> log, Supplier<String> runId) {
    this.state = state;
    this.log = log == null ? s -> {} : log;
    this.runId = runId;
  }

  /** Logs a line. */
  void line(String s) {
    log.accept(s);
  }

  /** Records an event about a client (of no particular round). */
  void event(String kind, String clientId, String message) {
    if (state != null) {
      try {
        String run = runId.get();
        state.event(kind, run.isEmpty() ? null : run, null, clientId, message);
      } catch (RuntimeException e) {
        log.accept("cannot record event: " + e.getMessage());
      }
    }
  }

  /** Logs and records a refused call. */
  void rejected(String clientId, String call, FederationException error) {
    String line = call + " refused (" + error.code() + "): " + error.getMessage();
    event(EventRecord.REJECTED, clientId, line);
    line((clientId == null ? "unauthenticated caller" : "client " + clientId) + ": " + line);
  }
}

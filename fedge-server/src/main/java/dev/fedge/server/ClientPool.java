package dev.fedge.server;

import dev.fedge.api.ClientProxy;
import java.util.List;

/** The clients that can take part in a round right now. */
@FunctionalInterface
public interface ClientPool {

  /** Clients available now, in a stable order (sampling depends on it). */
  List<ClientProxy> available();

  /** A fixed pool, e.g. the in-process clients of a simulation. */
  static ClientPool of(List<? extends ClientProxy> clients) {
    List<ClientProxy> copy = List.copyOf(clients);
    return () -> copy;
  }
}

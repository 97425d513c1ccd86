package dev.fedge.server.net;

import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Places for decoded fit results held in memory: an accepted upload is decoded only once it has
 * a place; whoever aggregates frees one per result ({@link #consumed}) and all at the end of each
 * round ({@link #releaseAll}). Unbounded until {@link #limit} is called.
 */
final class ResultSlots {

  private volatile Semaphore slots;
  private final Map<String, Integer> held = new HashMap<>();

  /** Bounds the results held at once to {@code max}, at least 1. */
  void limit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("results in memory must be >= 1, got " + max);
    }
    slots = new Semaphore(max);
  }

  /**
   * Waits for a place for a client's result.
   *
   * @return whether a place was taken (false when results are not bounded)
   * @throws FederationException {@code UNAVAILABLE} when the wait is interrupted
   */
  boolean take(String clientId) {
    Semaphore s = slots;
    if (s == null) {
      return false;
    }
    try {
      s.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FederationException(Code.UNAVAILABLE, "the server is shutting down");
    }
    synchronized (held) {
      held.merge(clientId, 1, Integer::sum);
    }
    return true;
  }

  /** Frees one place held for a client's result, if it holds one. */
  void consumed(String clientId) {
    Semaphore s = slots;
    if (s == null) {
      return;
    }
    synchronized (held) {
      Integer n = held.get(clientId);
      if (n == null) {
        return;
      }
      if (n <= 1) {
        held.remove(clientId);
      } else {
        held.put(clientId, n - 1);
      }
    }
    s.release();
  }

  /** Frees every place still held. */
  void releaseAll() {
    Semaphore s = slots;
    if (s == null) {
      return;
    }
    int n = 0;
    synchronized (held) {
      for (int h : held.values()) {
        n += h;
      }
      held.clear();
    }
    s.release(n);
  }
}

package dev.fedge.transport;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limits how many uploads are assembled in memory at once. An upload that has to wait reads no
 * data (gRPC flow control holds the client back), so server memory grows with the number of
 * permits, not with the number of clients.
 */
final class UploadPermits {

  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int available;

  UploadPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("max concurrent uploads must be >= 1, got " + permits);
    }
    this.available = permits;
  }

  /**
   * Runs {@code onGranted} with a permit, now (on this thread) or later (on the thread that frees
   * one). The receiver must call {@link #release} exactly once after {@code onGranted} ran.
   *
   * @return a handle that withdraws the request if it has not been granted yet
   */
  Runnable acquire(Runnable onGranted) {
    synchronized (this) {
      if (available == 0) {
        waiting.add(onGranted);
        return () -> withdraw(onGranted);
      }
      available--;
    }
    onGranted.run();
    return () -> {};
  }

  private synchronized void withdraw(Runnable r) {
    waiting.remove(r);
  }

  /** Gives a permit back, granting it to the next waiter if there is one. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        available++;
        return;
      }
    }
    next.run(); // the waiter owns the permit now, and releases it even when it fails
  }

  /** Permits free now (for tests). */
  synchronized int available() {
    return available;
  }
}

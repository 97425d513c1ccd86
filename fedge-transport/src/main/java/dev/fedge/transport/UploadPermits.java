package dev.fedge.transport;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limits how many uploads are assembled in memory at once. An upload that has to wait reads no
 * data (gRPC flow control holds the client back), so server memory grows with the number of
 * permits, not with the number of clients.
 *
 * <p>The permits also keep the upload buffers: an upload's array goes back to the pool when its
 * bytes have been handed on, and the next upload of the same length reuses it. Every upload of a
 * run has the model's length, so after the first {@code permits} uploads the server allocates no
 * upload array at all (each would be a multi-MiB "humongous" object to G1, and allocating them
 * started a concurrent GC cycle for almost every upload). At most {@code permits} arrays are kept.
 */
final class UploadPermits {

  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private final Deque<byte[]> buffers = new ArrayDeque<>();
  private final int permits;
  private int available;

  UploadPermits(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("max concurrent uploads must be >= 1, got " + permits);
    }
    this.available = permits;
    this.permits = permits;
  }

  /**
   * An array of exactly {@code length} bytes, from the pool when one is there (its contents are
   * whatever the last upload left), else new.
   *
   * @throws OutOfMemoryError when a new array does not fit
   */
  byte[] buffer(int length) {
    synchronized (this) {
      for (java.util.Iterator<byte[]> it = buffers.iterator(); it.hasNext(); ) {
        byte[] b = it.next();
        if (b.length == length) {
          it.remove();
          return b;
        }
      }
    }
    return new byte[length];
  }

  /**
   * Gives an array back for reuse; nobody may use it afterwards. Arrays of another length than
   * this one are dropped (the model's size changed), and no more than {@code permits} are kept.
   */
  synchronized void recycle(byte[] b) {
    buffers.removeIf(x -> x.length != b.length);
    if (buffers.size() < permits) {
      buffers.push(b);
    }
  }

  /** Arrays in the pool (for tests). */
  synchronized int pooled() {
    return buffers.size();
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

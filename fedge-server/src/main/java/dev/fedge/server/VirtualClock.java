package dev.fedge.server;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.FitRes;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.ToDoubleFunction;

/**
 * Client calls on a virtual clock, for simulating a fleet whose devices differ in speed: each
 * call takes the virtual seconds its device needs ({@code seconds}), as if every device ran in
 * parallel; the calls are run one at a time, on the polling thread, in the order in which their
 * devices would finish, and the clock jumps to each finish. A simulation thus sees the staleness
 * pattern of a real mixed fleet, reproducibly and without waiting for it.
 *
 * <p>Not thread-safe: submit and poll from one thread.
 */
public final class VirtualClock implements ClientCalls {

  private record Pending(double finish, long order, FutureTask<FitRes> task) {}

  private final ToDoubleFunction<ClientProxy> seconds;
  private final PriorityQueue<Pending> queue =
      new PriorityQueue<>(
          Comparator.comparingDouble(Pending::finish).thenComparingLong(Pending::order));
  private double now;
  private long submitted;

  /**
   * Creates a clock at 0.
   *
   * @param seconds virtual seconds one call to a client takes, &gt;= 0
   */
  public VirtualClock(ToDoubleFunction<ClientProxy> seconds) {
    this.seconds = seconds;
  }

  /**
   * The virtual time: when the last call polled finished.
   *
   * @return seconds since the clock started
   */
  public double now() {
    return now;
  }

  /** Queues the call to finish {@code seconds(client)} from now; it runs when polled. */
  @Override
  public Future<FitRes> submit(ClientProxy client, Callable<FitRes> call) {
    double d = seconds.applyAsDouble(client);
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(
          "client '" + client.id() + "': a call must take >= 0 virtual seconds, got " + d);
    }
    FutureTask<FitRes> task = new FutureTask<>(call);
    queue.add(new Pending(now + d, submitted++, task));
    return task;
  }

  /**
   * Runs the call whose device finishes first (the earliest submitted among equal finishes),
   * moving the clock to its finish; the timeout plays no part, nothing is waited for.
   *
   * @return its future, done; null when no call is under way
   */
  @Override
  public Future<FitRes> poll(long timeoutNanos) {
    while (!queue.isEmpty()) {
      Pending p = queue.poll();
      if (p.task().isCancelled()) {
        continue;
      }
      now = Math.max(now, p.finish());
      p.task().run();
      return p.task();
    }
    return null;
  }

  /** Drops every call not yet run. */
  @Override
  public void close() {
    for (Pending p : queue) {
      p.task().cancel(false);
    }
    queue.clear();
  }
}

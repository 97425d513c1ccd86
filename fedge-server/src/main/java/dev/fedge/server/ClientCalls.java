package dev.fedge.server;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.FitRes;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * Where the {@link BufferedCoordinator}'s client calls run, and in what order their results come
 * back: on threads, each as it finishes ({@link #threads}, for real devices), or on a {@link
 * VirtualClock}, each when its simulated device would have finished.
 */
public interface ClientCalls extends AutoCloseable {

  /**
   * Starts a call.
   *
   * @param client the client called
   * @param call the call
   * @return its future; cancelling it abandons the call
   */
  Future<FitRes> submit(ClientProxy client, Callable<FitRes> call);

  /**
   * The next call to finish.
   *
   * @param timeoutNanos longest wait
   * @return the finished call's future, or null when none finished in time (or none is under way)
   * @throws InterruptedException when interrupted while waiting
   */
  Future<FitRes> poll(long timeoutNanos) throws InterruptedException;

  /** Abandons every call under way. */
  @Override
  void close();

  /**
   * Calls on a pool of daemon threads, results in the order they finish.
   *
   * @param threads calls under way at once
   * @return the calls
   */
  static ClientCalls threads(int threads) {
    return new ThreadedCalls(threads);
  }
}

package dev.fedge.server;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.FitRes;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** {@link ClientCalls#threads}: a thread pool and its completion queue. */
final class ThreadedCalls implements ClientCalls {
  private final ExecutorService executor;
  private final CompletionService<FitRes> completion;

  ThreadedCalls(int threads) {
    this.executor = Coordinator.clientCalls(threads, "fedge-async-call-");
    this.completion = new ExecutorCompletionService<>(executor);
  }

  @Override
  public Future<FitRes> submit(ClientProxy client, Callable<FitRes> call) {
    return completion.submit(call);
  }

  @Override
  public Future<FitRes> poll(long timeoutNanos) throws InterruptedException {
    return completion.poll(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

package dev.fedge.server;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientException;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EncodedFitClient;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The round loop. It composes, it does not decide: the {@link Strategy} chooses clients and
 * aggregates, the {@link ClientProxy} implementations talk to clients, and the coordinator runs
 * them with a deadline, folding each result into the strategy's streaming aggregation as it
 * arrives (so a FedAvg round holds one model-sized accumulator, not one update per client).
 *
 * <p>Client failures are data: a client that throws, times out or sends an unusable update becomes
 * a {@link ClientFailure} in the {@link RoundResult}; the round goes on with the others.
 */
public final class Coordinator implements RoundLoop {

  /**
   * Round metric: seconds spent folding results into the aggregate and finishing it (the server's
   * own aggregation cost, not the clients' training).
   */
  public static final String AGGREGATION_SECONDS = "aggregation_seconds";

  private final Strategy strategy;
  private final CoordinatorSettings settings;
  private final ClientPool pool;
  private final CentralEvaluator evaluator;
  private final RoundListener listener;
  private final ExecutorService executor;

  /**
   * Creates a coordinator.
   *
   * @param strategy the algorithm
   * @param settings deadline, minimum results, parallelism
   * @param pool where the available clients come from
   * @param evaluator central evaluation, or null for none
   * @param listener progress callbacks, or {@link RoundListener#NONE}
   */
  public Coordinator(
      Strategy strategy,
      CoordinatorSettings settings,
      ClientPool pool,
      CentralEvaluator evaluator,
      RoundListener listener) {
    this.strategy = strategy;
    this.settings = settings;
    this.pool = pool;
    this.evaluator = evaluator;
    this.listener = listener == null ? RoundListener.NONE : listener;
    this.executor = clientCalls(settings.parallelism(), "fedge-client-call-");
  }

  /**
   * The threads that call clients: daemons, so a hung client never keeps the JVM alive.
   *
   * @param threads how many
   * @param prefix thread name prefix, numbered from 1
   * @return the pool
   */
  static ExecutorService clientCalls(int threads, String prefix) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The strategy this coordinator runs. */
  public Strategy strategy() {
    return strategy;
  }

  /** {@inheritDoc} */
  @Override
  public Optional<EvaluateRes> evaluateInitial(Parameters global) {
    return evaluator == null ? Optional.empty() : Optional.of(evaluator.evaluate(0, global));
  }

  /** Runs one round: configure, fit with a deadline, aggregate as results arrive, evaluate. */
  @Override
  public RoundResult runRound(int round, Parameters global) throws InterruptedException {
    long start = System.nanoTime();
    List<ClientInstruction<FitIns>> instructions =
        strategy.configureFit(round, global, pool.available());
    List<String> ids = new ArrayList<>();
    for (ClientInstruction<FitIns> i : instructions) {
      ids.add(i.client().id());
    }
    listener.roundStarted(round, ids);

    FitAggregation aggregation = strategy.startAggregation(round, global);
    List<ClientFailure> failures = new ArrayList<>();
    List<String> participants = new ArrayList<>();
    long[] aggregationNanos = {0};
    // a weighted mean folds networked uploads straight from their bytes (no float[] per upload)
    boolean encoded = aggregation.foldsEncoded();
    collect(
        round,
        instructions,
        ins -> encoded && ins.client() instanceof EncodedFitClient c
            ? c.fitEncoded(ins.ins()) : ins.client().fit(ins.ins()),
        (clientId, res) -> {
          long t = System.nanoTime();
          int examples;
          try {
            if (res instanceof EncodedFitRes e) {
              examples = e.numExamples();
              aggregation.acceptEncoded(clientId, e);
            } else {
              FitRes f = (FitRes) res;
              examples = f.numExamples();
              aggregation.accept(clientId, f);
            }
          } finally {
            release(res);
            aggregationNanos[0] += System.nanoTime() - t;
          }
          participants.add(clientId);
          listener.clientSucceeded(round, clientId, examples);
        },
        failures);

    boolean completed = participants.size() >= settings.minResults();
    Parameters next = global;
    Map<String, Double> metrics = Map.of();
    if (completed) {
      long t = System.nanoTime();
      AggregateResult agg = aggregation.finish(failures);
      aggregationNanos[0] += System.nanoTime() - t;
      next = agg.parameters().orElse(global);
      metrics = withAggregationTime(agg, aggregationNanos[0]);
    }

    return conclude(new RoundResult(round, completed, next, metrics, Optional.empty(),
        Optional.empty(), participants, failures, Duration.ZERO), start, pool.available());
  }

  /**
   * Ends a round: evaluates its new model when it completed (the strategy's own evaluation, else
   * the central evaluator's; and on the clients the strategy picks among {@code evaluators}),
   * and tells the listener.
   *
   * @param round the round without evaluations and duration
   * @param startNanos {@link System#nanoTime()} at the round's start
   * @param evaluators the clients that may be asked to evaluate
   * @return the round with its evaluations and its duration
   */
  RoundResult conclude(RoundResult round, long startNanos, List<ClientProxy> evaluators)
      throws InterruptedException {
    Optional<EvaluateRes> central = Optional.empty();
    Optional<EvaluateRes> clients = Optional.empty();
    if (round.completed()) {
      central = strategy.evaluate(round.round(), round.global());
      if (central.isEmpty() && evaluator != null) {
        central = Optional.of(evaluator.evaluate(round.round(), round.global()));
      }
      clients = evaluateOnClients(round.round(), round.global(), evaluators);
    }
    RoundResult result = new RoundResult(round.round(), round.completed(), round.global(),
        round.metrics(), central, clients, round.participants(), round.failures(),
        Duration.ofNanos(System.nanoTime() - startNanos));
    listener.roundFinished(result);
    return result;
  }

  /**
   * The aggregation's metrics plus {@value #AGGREGATION_SECONDS}.
   *
   * @param agg the finished aggregation
   * @param aggregationNanos time spent folding and finishing
   * @return a map the caller may add to
   */
  static Map<String, Double> withAggregationTime(AggregateResult agg, long aggregationNanos) {
    Map<String, Double> m = new java.util.LinkedHashMap<>(agg.metrics());
    m.put(AGGREGATION_SECONDS, aggregationNanos / 1e9);
    return m;
  }

  private Optional<EvaluateRes> evaluateOnClients(
      int round, Parameters global, List<ClientProxy> available) throws InterruptedException {
    List<ClientInstruction<EvaluateIns>> instructions =
        strategy.configureEvaluate(round, global, available);
    if (instructions.isEmpty()) {
      return Optional.empty();
    }
    List<Map.Entry<String, EvaluateRes>> results = new ArrayList<>();
    List<ClientFailure> failures = new ArrayList<>();
    collect(
        round,
        instructions,
        ins -> ins.client().evaluate(ins.ins()),
        (clientId, res) -> results.add(new AbstractMap.SimpleEntry<>(clientId, res)),
        failures);
    return strategy.aggregateEvaluate(round, results, failures);
  }

  /** A call to one client. */
  @FunctionalInterface
  private interface ClientCall<T, R> {
    R call(ClientInstruction<T> ins) throws ClientException;
  }

  /** What to do with one client's result, on the coordinator's thread. */
  @FunctionalInterface
  private interface ResultSink<R> {
    void accept(String clientId, R result);
  }

  /**
   * Calls the clients on the executor and hands each result to the sink as it completes, until
   * all are in or the deadline passes; everything else becomes a failure.
   */
  private <T, R> void collect(
      int round,
      List<ClientInstruction<T>> instructions,
      ClientCall<T, R> call,
      ResultSink<R> sink,
      List<ClientFailure> failures)
      throws InterruptedException {
    CompletionService<R> completion = new ExecutorCompletionService<>(executor);
    Map<Future<R>, Integer> pending = new IdentityHashMap<>();
    for (int k = 0; k < instructions.size(); k++) {
      ClientInstruction<T> ins = instructions.get(k);
      Callable<R> task = () -> call.call(ins);
      pending.put(completion.submit(task), k);
    }
    // in order: outcomes that arrive early wait here for those before them
    Object[] early = new Object[instructions.size()];
    int[] next = {0};
    long deadline = System.nanoTime() + settings.roundTimeout().toNanos();
    Throwable abandoned = null;
    try {
      while (!pending.isEmpty()) {
        long left = deadline - System.nanoTime();
        Future<R> done = left > 0 ? completion.poll(left, TimeUnit.NANOSECONDS) : null;
        if (done == null) {
          break;
        }
        int k = pending.remove(done);
        Object outcome;
        try {
          R result = done.get();
          outcome = result == null ? new Failed("no result") : result;
        } catch (ExecutionException e) {
          outcome = new Failed(reason(e.getCause()));
        }
        if (!settings.inOrder()) {
          deliver(round, instructions.get(k).client().id(), outcome, sink, failures);
          continue;
        }
        early[k] = outcome;
        while (next[0] < early.length && early[next[0]] != null) {
          deliver(round, instructions.get(next[0]).client().id(), early[next[0]], sink, failures);
          early[next[0]++] = null;
        }
      }
    } catch (Throwable t) {
      abandoned = t; // e.g. an OutOfMemoryError while folding: the calls still open are not late
      throw t;
    } finally {
      List<Integer> late = new ArrayList<>(pending.values());
      for (Future<R> f : pending.keySet()) {
        if (!f.cancel(true) && f.isDone()) {
          dropped(f); // finished as the round ended: never delivered, so let its bytes go
        }
      }
      for (int k = 0; k < early.length; k++) {
        if (early[k] != null) {
          deliver(round, instructions.get(k).client().id(), early[k], sink, failures);
        }
      }
      java.util.Collections.sort(late);
      String why = abandoned == null ? "timeout after " + settings.roundTimeout()
          : "the round was abandoned: " + reason(abandoned);
      for (int k : late) {
        fail(round, failures, instructions.get(k).client().id(), why);
      }
    }
  }

  /** Releases the encoded values of a finished call's result that is not delivered. */
  private static void dropped(Future<?> f) {
    try {
      release(f.get());
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      // a failure holds nothing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Releases a result's encoded values (an upload's bytes), if it has any. */
  static void release(Object result) {
    if (result instanceof EncodedFitRes e) {
      e.values().release();
    }
  }

  /** A call's failure, waiting for its turn like a result. */
  private record Failed(String reason) {}

  @SuppressWarnings("unchecked")
  private <R> void deliver(int round, String clientId, Object outcome, ResultSink<R> sink,
      List<ClientFailure> failures) {
    if (outcome instanceof Failed f) {
      fail(round, failures, clientId, f.reason());
      return;
    }
    try {
      sink.accept(clientId, (R) outcome);
    } catch (IllegalArgumentException e) {
      // the strategy rejected the update (wrong layout, NaN, ...): the aggregate is untouched
      fail(round, failures, clientId, e.getMessage());
    }
  }

  private void fail(int round, List<ClientFailure> failures, String clientId, String reason) {
    ClientFailure f = new ClientFailure(clientId, reason);
    failures.add(f);
    listener.clientFailed(round, f);
  }

  /**
   * A failure's reason: a {@link ClientException}'s message, else the exception's class and
   * message.
   */
  static String reason(Throwable t) {
    if (t instanceof ClientException) {
      return t.getMessage();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

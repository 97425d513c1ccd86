package dev.fedge.server;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.AsyncStrategy;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous loop of an {@link AsyncStrategy} (FedBuff): it keeps up to {@link
 * AsyncStrategy#concurrency} clients training, each on the global model current when it was
 * started, and folds every update into the step's buffer the moment it arrives, with its
 * staleness. A step ends when the buffer holds {@link AsyncStrategy#bufferSize} updates; clients
 * still training carry on into the next steps, and a freed place is given at once to an idle
 * client. A fast device is thus never kept waiting for a slow one, and a slow device's work is
 * still used, discounted by how stale it is.
 *
 * <p>Each client's task has its own deadline, {@link CoordinatorSettings#roundTimeout()} after it
 * was started; a task past it is cancelled and counted as a failure of the step under way. A step
 * that reaches its own deadline (the same length, from the step's start), or in which nobody is
 * training and nobody can be started (every client failed in it), ends there with fewer than
 * {@code bufferSize} updates, completed when it has {@link CoordinatorSettings#minResults()}.
 *
 * <p>Clients are called through {@link ClientCalls}: on a pool of {@link
 * CoordinatorSettings#parallelism()} threads for real devices, or on a {@link VirtualClock} in a
 * simulation, where each device's update arrives when its speed says it would, so a simulated
 * fleet's staleness pattern, and its result, is reproducible from the seed.
 */
public final class BufferedCoordinator implements RoundLoop {

  /** Round metric: clients still training when the step ended. */
  public static final String IN_FLIGHT = "in_flight";

  /** How long the loop waits before looking for newly connected idle clients again. */
  private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AsyncStrategy strategy;
  private final CoordinatorSettings settings;
  private final ClientPool pool;
  private final RoundListener listener;
  private final Coordinator evaluation;
  private final ClientCalls calls;
  private final Map<Future<FitRes>, Task> inFlight = new LinkedHashMap<>();
  private final Set<String> failedThisStep = new HashSet<>();
  private long draws;

  /** One client's training task: who, on which model, started in which step, due when. */
  private record Task(String clientId, Parameters base, int step, long deadline) {}

  /**
   * Creates the loop, calling clients on {@link CoordinatorSettings#parallelism()} threads.
   *
   * @param strategy the asynchronous algorithm
   * @param settings task deadline, minimum updates of a step cut short, parallelism
   * @param pool where the available clients come from
   * @param evaluator central evaluation, or null for none
   * @param listener progress callbacks, or {@link RoundListener#NONE}
   */
  public BufferedCoordinator(
      AsyncStrategy strategy,
      CoordinatorSettings settings,
      ClientPool pool,
      CentralEvaluator evaluator,
      RoundListener listener) {
    this(strategy, settings, pool, evaluator, listener,
        ClientCalls.threads(settings.parallelism()));
  }

  /**
   * Creates the loop.
   *
   * @param strategy the asynchronous algorithm
   * @param settings task deadline, minimum updates of a step cut short
   * @param pool where the available clients come from
   * @param evaluator central evaluation, or null for none
   * @param listener progress callbacks, or {@link RoundListener#NONE}
   * @param calls where the client calls run (e.g. a {@link VirtualClock}); closed with the loop
   */
  public BufferedCoordinator(
      AsyncStrategy strategy,
      CoordinatorSettings settings,
      ClientPool pool,
      CentralEvaluator evaluator,
      RoundListener listener,
      ClientCalls calls) {
    this.strategy = strategy;
    this.settings = settings;
    this.pool = pool;
    this.listener = listener == null ? RoundListener.NONE : listener;
    this.evaluation = new Coordinator(strategy, settings, pool, evaluator, this.listener);
    this.calls = calls;
  }

  /** {@inheritDoc} */
  @Override
  public Optional<EvaluateRes> evaluateInitial(Parameters global) {
    return evaluation.evaluateInitial(global);
  }

  /**
   * Runs one server step: starts clients on {@code global} up to the concurrency, folds updates
   * as they arrive (from this step's clients and earlier ones) until the buffer is full, then
   * makes and evaluates the next model. The step's clients are the ones still training when it
   * ends, reported through {@link RoundListener#roundStarted} at its start.
   */
  @Override
  public RoundResult runRound(int step, Parameters global) throws InterruptedException {
    long start = System.nanoTime();
    long stepDeadline = start + settings.roundTimeout().toNanos();
    int available = pool.available().size();
    int bufferSize = Math.max(1, strategy.bufferSize(available));
    List<ClientFailure> failures = new ArrayList<>();
    failedThisStep.clear();
    expire(step, failures);
    topUp(step, global);
    listener.roundStarted(step, clientsInFlight());

    AsyncStrategy.BufferedAggregation buffer = strategy.startBuffer(step, global);
    List<String> participants = new ArrayList<>();
    long aggregationNanos = 0;
    while (buffer.count() < bufferSize) {
      long now = System.nanoTime();
      if (now >= stepDeadline || inFlight.isEmpty()) {
        break; // out of time, or nobody training and nobody to start
      }
      long wait = Math.min(stepDeadline, nextTaskDeadline()) - now;
      Future<FitRes> done = calls.poll(Math.max(0, Math.min(wait, IDLE_CHECK_NANOS)));
      if (done == null) {
        expire(step, failures);
        topUp(step, global);
        continue;
      }
      Task task = inFlight.remove(done);
      if (task == null) {
        continue; // cancelled at its deadline, already counted
      }
      try {
        FitRes res = done.get();
        if (res == null) {
          fail(step, failures, task.clientId(), "no result");
        } else {
          long t = System.nanoTime();
          try {
            buffer.accept(task.clientId(), res, task.base(), step - task.step());
          } finally {
            aggregationNanos += System.nanoTime() - t;
          }
          participants.add(task.clientId());
          listener.clientSucceeded(step, task.clientId(), res.numExamples());
        }
      } catch (ExecutionException e) {
        fail(step, failures, task.clientId(), Coordinator.reason(e.getCause()));
      } catch (IllegalArgumentException e) {
        // the strategy rejected the update (wrong layout, NaN, ...): the buffer is untouched
        fail(step, failures, task.clientId(), e.getMessage());
      }
      if (buffer.count() < bufferSize) {
        topUp(step, global);
      }
    }

    boolean completed =
        buffer.count() >= bufferSize || buffer.count() >= settings.minResults();
    Parameters next = global;
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (completed) {
      long t = System.nanoTime();
      AggregateResult agg = buffer.finish(failures);
      aggregationNanos += System.nanoTime() - t;
      next = agg.parameters().orElse(global);
      metrics = Coordinator.withAggregationTime(agg, aggregationNanos);
      metrics.put(IN_FLIGHT, (double) inFlight.size());
    }
    return evaluation.conclude(new RoundResult(step, completed, next, metrics, Optional.empty(),
        Optional.empty(), participants, failures, Duration.ZERO), start, idle(pool.available()));
  }

  /** Starts idle clients on {@code global} until the concurrency is reached. */
  private void topUp(int step, Parameters global) {
    List<ClientProxy> available = pool.available();
    List<ClientProxy> idle = idle(available);
    int slots = strategy.concurrency(available.size()) - inFlight.size();
    if (slots <= 0 || idle.isEmpty()) {
      return;
    }
    List<ClientInstruction<FitIns>> chosen =
        strategy.configureAsyncFit(step, draws++, global, idle, slots);
    long deadline = System.nanoTime() + settings.roundTimeout().toNanos();
    for (ClientInstruction<FitIns> ins : chosen.subList(0, Math.min(slots, chosen.size()))) {
      Future<FitRes> f = calls.submit(ins.client(), () -> ins.client().fit(ins.ins()));
      inFlight.put(f, new Task(ins.client().id(), ins.ins().parameters(), step, deadline));
    }
  }

  /**
   * The available clients that are not training and have not failed in this step, in the pool's
   * order (a device that fails at once is not asked again and again).
   */
  private List<ClientProxy> idle(List<ClientProxy> available) {
    Set<String> busy = new HashSet<>(failedThisStep);
    for (Task t : inFlight.values()) {
      busy.add(t.clientId());
    }
    List<ClientProxy> out = new ArrayList<>();
    for (ClientProxy c : available) {
      if (!busy.contains(c.id())) {
        out.add(c);
      }
    }
    return out;
  }

  private List<String> clientsInFlight() {
    List<String> ids = new ArrayList<>();
    for (Task t : inFlight.values()) {
      ids.add(t.clientId());
    }
    return ids;
  }

  private long nextTaskDeadline() {
    long next = Long.MAX_VALUE;
    for (Task t : inFlight.values()) {
      next = Math.min(next, t.deadline());
    }
    return next;
  }

  /** Cancels the tasks past their deadline; each becomes a failure of the step under way. */
  private void expire(int step, List<ClientFailure> failures) {
    long now = System.nanoTime();
    var it = inFlight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Future<FitRes>, Task> e = it.next();
      if (now >= e.getValue().deadline() && !e.getKey().isDone()) {
        e.getKey().cancel(true);
        it.remove();
        fail(step, failures, e.getValue().clientId(), "timeout after " + settings.roundTimeout()
            + " (started in step " + e.getValue().step() + ")");
      }
    }
  }

  private void fail(int step, List<ClientFailure> failures, String clientId, String reason) {
    ClientFailure f = new ClientFailure(clientId, reason);
    failures.add(f);
    failedThisStep.add(clientId);
    listener.clientFailed(step, f);
  }

  /** Cancels every task still under way. */
  @Override
  public void close() {
    for (Future<FitRes> f : inFlight.keySet()) {
      f.cancel(true);
    }
    inFlight.clear();
    calls.close();
    evaluation.close();
  }
}

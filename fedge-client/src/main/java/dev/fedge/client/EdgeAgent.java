package dev.fedge.client;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.Parameters;
import dev.fedge.data.reid.ReidMetrics;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.Registration;
import dev.fedge.transport.TaskSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The edge agent: registers with the server (with the device's facts), heartbeats with telemetry,
 * long-polls for tasks, and does them: download the global model, train or evaluate locally,
 * upload the result encoded with the task's codec. Any start order works: while the server cannot
 * be reached the agent retries with exponential backoff, and when the server has forgotten it (a
 * new state directory) it registers again, sending the credential it got last time so that it keeps
 * its name. While another, connected device holds the name, the server refuses it and the agent
 * tries again with backoff (a restarted device gets its name back once the old registration has
 * gone silent). When training or evaluation fails on the device (an exception in the trainer, out
 * of memory, a non-finite result), the agent logs it in one line, reports it to the server (which
 * ends the task at once instead of waiting for the round's deadline) and goes on pulling tasks.
 *
 * <p>{@link #run()} returns when {@link #stop()} is called, or throws {@link RegistrationRefused}
 * when the server refuses to register the device (wrong token, revoked, not on loopback).
 */
public final class EdgeAgent implements AutoCloseable {

  private static final int UPLOAD_TRIES = 5;

  private final AgentSettings settings;
  private final TrainerFactory trainers;
  private final DeviceProbe probe;
  private final Consumer<String> log;
  private final FederationClient client;
  private final ScheduledExecutorService heartbeats;
  private ScheduledFuture<?> heartbeat;
  private volatile boolean stopped;
  private volatile boolean reregister;
  private Thread runner;
  private Registration registration;
  /** The credential of the last registration, kept across reconnects to prove the name is ours. */
  private String credential;
  private boolean nameRefused;
  private String lastTaskId;
  private Upload lastUpload;
  private int tasksDone;
  private int tasksFailed;

  /** The server refused to register this device; trying again will not help. */
  public static final class RegistrationRefused extends FederationException {
    private static final long serialVersionUID = 1L;

    RegistrationRefused(FederationException cause, String reason) {
      super(cause.code(), reason, cause);
    }
  }

  /** An encoded result kept until the server has it. */
  private record Upload(int numExamples, java.util.Map<String, Double> metrics, byte[] data) {}

  /**
   * An agent; nothing happens until {@link #run()}.
   *
   * @param settings server, TLS, token, name
   * @param trainers trainers for the tasks' models
   * @param probe device facts and telemetry
   * @param log one line per notable thing
   */
  public EdgeAgent(
      AgentSettings settings, TrainerFactory trainers, DeviceProbe probe, Consumer<String> log) {
    this.settings = settings;
    this.trainers = trainers;
    this.probe = probe;
    this.log = log == null ? s -> {} : log;
    this.client = FederationClient.connect(settings.server(), settings.caFile());
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedge-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /** Number of tasks done so far. */
  public synchronized int tasksDone() {
    return tasksDone;
  }

  /** Number of tasks that failed on the device (each reported to the server). */
  public synchronized int tasksFailed() {
    return tasksFailed;
  }

  /** The client id the server gave, or null before registering. */
  public synchronized String clientId() {
    return registration == null ? null : registration.clientId();
  }

  /**
   * Runs until {@link #stop()}.
   *
   * @throws RegistrationRefused when the server refuses to register this device
   */
  public void run() {
    synchronized (this) {
      runner = Thread.currentThread();
    }
    try {
      loop();
    } finally {
      synchronized (this) {
        runner = null;
        if (stopped) {
          Thread.interrupted(); // the interrupt came from stop(); do not leak it to the caller
        }
      }
    }
  }

  private void loop() {
    DeviceFacts facts = probe.facts();
    log.accept(String.format(Locale.ROOT,
        "device: %s, %s %s, %d cores, %.1f GiB memory, %.1f GiB heap, accelerator %s",
        facts.deviceClass(), facts.os(), facts.arch(), facts.cores(),
        facts.memoryBytes() / (double) (1L << 30), facts.heapBytes() / (double) (1L << 30),
        facts.accelerator()));
    Duration backoff = settings.backoffMin();
    boolean reachable = true;
    while (!stopped) {
      try {
        if (registration == null || reregister) {
          register(facts);
        }
        Optional<TaskSpec> task = client.pullTask(settings.pullWait());
        if (!reachable) {
          log.accept("server " + settings.server() + " is reachable again");
          reachable = true;
        }
        backoff = settings.backoffMin();
        if (task.isPresent()) {
          handle(task.get());
        }
      } catch (RegistrationRefused e) {
        throw e;
      } catch (NameTaken e) {
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(settings.backoffMax()) > 0
            ? settings.backoffMax() : backoff.multipliedBy(2);
      } catch (FederationException e) {
        if (stopped) {
          break;
        }
        if (e.code() == FederationException.Code.UNAUTHENTICATED && registration != null) {
          log.accept("the server does not know this device any more (" + e.getMessage()
              + "); registering again");
          reregister = true;
          continue;
        }
        if (e.isTransient() || e.code() == FederationException.Code.CANCELLED) {
          if (reachable) {
            log.accept("server " + settings.server() + " unreachable (" + e.getMessage()
                + "); retrying with backoff up to " + settings.backoffMax().toSeconds() + " s");
            reachable = false;
          }
        } else {
          log.accept("call refused: " + e);
        }
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(settings.backoffMax()) > 0
            ? settings.backoffMax() : backoff.multipliedBy(2);
      }
    }
  }

  private void register(DeviceFacts facts) {
    Registration r;
    try {
      r = client.register(settings.enrollToken(), settings.name(), facts, credential);
    } catch (FederationException e) {
      if (e.code() == FederationException.Code.UNAUTHENTICATED
          || e.code() == FederationException.Code.PERMISSION_DENIED
          || e.code() == FederationException.Code.INVALID_ARGUMENT) {
        throw new RegistrationRefused(e,
            "server " + settings.server() + " refused to register this device: "
                + e.getMessage());
      }
      if (e.code() == FederationException.Code.ALREADY_EXISTS) {
        if (!nameRefused) {
          log.accept("server " + settings.server() + " refused the name '" + settings.name()
              + "': " + e.getMessage() + "; trying again with backoff");
        }
        nameRefused = true;
        throw new NameTaken(e);
      }
      throw e;
    }
    synchronized (this) {
      registration = r;
      credential = r.credential();
    }
    nameRefused = false;
    reregister = false;
    log.accept("registered with " + settings.server() + " as " + r.clientId() + " ("
        + settings.name() + ")");
    startHeartbeats(r.heartbeatInterval());
  }

  /** The server gave the name to a device that is still connected: try again later. */
  private static final class NameTaken extends FederationException {
    private static final long serialVersionUID = 1L;

    NameTaken(FederationException cause) {
      super(cause.code(), cause.getMessage(), cause);
    }
  }

  private synchronized void startHeartbeats(Duration interval) {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    heartbeat = heartbeats.scheduleWithFixedDelay(() -> {
      try {
        client.heartbeat(probe.telemetry());
      } catch (FederationException e) {
        if (e.code() == FederationException.Code.UNAUTHENTICATED) {
          reregister = true;
        }
      } catch (RuntimeException e) {
        log.accept("heartbeat failed: " + e);
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(TaskSpec task) {
    if (task.taskId().equals(lastTaskId) && lastUpload != null) {
      log.accept("round " + task.round() + ": sending the result of " + task.taskId()
          + " again");
      upload(task, lastUpload);
      return;
    }
    long t0 = System.nanoTime();
    log.accept("round " + task.round() + ": " + task.kind().name().toLowerCase(Locale.ROOT)
        + " task " + task.taskId());
    Parameters global;
    try {
      global = new Float32Codec().decode(task.layout(), client.downloadModel(task.model()));
    } catch (IllegalArgumentException e) {
      failed(task, "the model from the server is unusable: " + e.getMessage());
      return;
    }
    LocalTrainer trainer;
    try {
      trainer = trainers.trainerFor(task.layout(), task.config());
    } catch (IllegalArgumentException e) {
      failed(task, "cannot take the task: " + e.getMessage());
      return;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      failed(task, "cannot load the model: " + describe(e));
      return;
    }
    try {
      if (task.kind() == TaskSpec.Kind.EVALUATE) {
        EvaluateRes res;
        try {
          res = trainer.evaluate(new EvaluateIns(global, task.config()));
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
          failed(task, describe(e));
          return;
        }
        boolean retrieval = res.metrics().containsKey(ReidMetrics.MAP);
        if (!Double.isFinite(res.loss()) && !retrieval) {
          failed(task, "the evaluation loss is " + res.loss());
          return;
        }
        client.reportEvaluation(task.taskId(), res);
        if (retrieval) {
          // retrieval has no loss; its examples are the queries with a valid match
          log.accept(String.format(Locale.ROOT, "round %d: evaluated retrieval on %d queries: "
              + "rank-1 %.4f, rank-5 %.4f, rank-10 %.4f, mAP %.4f", task.round(),
              res.numExamples(), res.metrics().get(ReidMetrics.RANK1),
              res.metrics().getOrDefault(ReidMetrics.RANK5, Double.NaN),
              res.metrics().getOrDefault(ReidMetrics.RANK10, Double.NaN),
              res.metrics().get(ReidMetrics.MAP)));
        } else {
          log.accept(String.format(Locale.ROOT, "round %d: evaluated on %d images: accuracy "
              + "%.4f, loss %.4f", task.round(), res.numExamples(), res.accuracy(), res.loss()));
        }
        done();
        return;
      }
      FitRes res;
      try {
        res = trainer.fit(new FitIns(global, task.config()));
      } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
        failed(task, describe(e));
        return;
      }
      int bad = res.parameters().firstNonFinite();
      if (bad >= 0) {
        failed(task, String.format(Locale.ROOT, "training produced a non-finite value (%s) at"
            + " index %d (loss %.4f)", res.parameters().values()[bad], bad,
            res.metric(FitRes.LOSS, Double.NaN)));
        return;
      }
      WireCodec codec = Codecs.byName(task.codec());
      byte[] data;
      if (task.delta()) {
        float[] g = global.values();
        float[] v = res.parameters().values();
        float[] diff = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          diff[i] = v[i] - g[i];
        }
        data = codec.encode(new Parameters(task.layout(), diff));
      } else {
        data = codec.encode(res.parameters());
      }
      Upload up = new Upload(res.numExamples(), res.metrics(), data);
      lastTaskId = task.taskId();
      lastUpload = up;
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      if (upload(task, up)) {
        log.accept(String.format(Locale.ROOT, "round %d: trained on %d images, loss %.4f, in"
                + " %.1f s; sent %,d bytes (%s)", task.round(), res.numExamples(),
            res.metric(FitRes.LOSS, Double.NaN), trainSeconds, data.length, codec.name()));
      }
      done();
    } catch (RuntimeException e) {
      if (e instanceof FederationException f && (f.isTransient() || stopped)) {
        throw f;
      }
      log.accept("round " + task.round() + ": task " + task.taskId() + " failed: " + e);
    }
  }

  /**
   * The device could not do a task: one line in the log, and a report to the server so that the
   * task ends now rather than at the round's deadline. An unreachable server is retried by the
   * main loop (the task is handed out again); a refused report (e.g. by an older server) is
   * logged, and the agent waits before it pulls again.
   */
  private void failed(TaskSpec task, String reason) {
    String why = FederationHandler.cleanReason(reason);
    String kind = task.kind() == TaskSpec.Kind.FIT ? "training" : "evaluation";
    log.accept("round " + task.round() + ": local " + kind + " failed (task " + task.taskId()
        + "): " + why);
    try {
      client.reportFailure(task.taskId(), why);
    } catch (FederationException e) {
      if (e.isTransient() || stopped) {
        throw e;
      }
      log.accept("round " + task.round() + ": the server refused the failure report: " + e);
      sleep(settings.backoffMax()); // the task may still be open: do not fetch it again at once
    }
    synchronized (this) {
      tasksFailed++;
    }
  }

  /** A trainer's failure in one line, e.g. {@code IllegalStateException: loss is NaN}. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    if (e instanceof OutOfMemoryError) {
      return "out of memory" + (m == null ? "" : " (" + m + ")");
    }
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  /** Uploads, retrying while the server is unreachable; false when the server refused it. */
  private boolean upload(TaskSpec task, Upload up) {
    Duration backoff = settings.backoffMin();
    for (int attempt = 1; ; attempt++) {
      try {
        client.uploadResult(task.taskId(), up.numExamples(), up.metrics(), task.codec(),
            task.layout(), task.delta(), up.data());
        lastUpload = null;
        return true;
      } catch (FederationException e) {
        if (!e.isTransient() || attempt >= UPLOAD_TRIES || stopped) {
          if (!e.isTransient()) {
            lastUpload = null;
            log.accept("round " + task.round() + ": the server refused the result: " + e);
            return false;
          }
          throw e;
        }
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  private synchronized void done() {
    tasksDone++;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      if (!stopped) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Makes {@link #run()} return soon. */
  public void stop() {
    stopped = true;
    synchronized (this) {
      if (runner != null) {
        runner.interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
    heartbeats.shutdownNow();
    client.close();
  }
}

package dev.fedge.server.net;

import dev.fedge.api.ClientException;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitRes;
import dev.fedge.api.Parameters;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.FederationHandler;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.UploadHeader;
import dev.fedge.transport.UploadReceiver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What devices send back for their tasks: fit uploads (checked by {@link UploadCheck}, decoded
 * when a {@link ResultSlots} place is free), evaluations, and reported failures. Each ends its
 * task; a refused result fails its task with the reason, so the global model stays untouched.
 */
final class TaskResults {

  private final TaskTable tasks;
  private final ResultSlots slots;
  private final RegistryLog log;
  private final AtomicLong bytesReceived = new AtomicLong();

  /**
   * Longest wait for the coordinator to fold an upload handed on as bytes; a backstop only
   * (every path that takes or drops a result releases it).
   */
  static final long FOLD_WAIT_MINUTES = 30;

  TaskResults(TaskTable tasks, ResultSlots slots, RegistryLog log) {
    this.tasks = tasks;
    this.slots = slots;
    this.log = log;
  }

  /** Update bytes received in complete uploads. */
  long bytesReceived() {
    return bytesReceived.get();
  }

  /** See {@link FederationHandler#beginUpload}. */
  UploadReceiver beginUpload(String clientId, UploadHeader header) {
    Task task = tasks.owned(clientId, header.taskId());
    if (task.spec.kind() != TaskSpec.Kind.FIT) {
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + task.spec.taskId() + " is an evaluate task: report it with ReportEvaluation");
    }
    Task.State found = task.beginUpload();
    switch (found) {
      case DONE -> throw new FederationException(Code.ALREADY_EXISTS,
          "task " + task.spec.taskId() + " already has a result");
      case UPLOADING -> throw new FederationException(Code.ALREADY_EXISTS,
          "an upload for task " + task.spec.taskId() + " is already in progress");
      case CLOSED -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + task.spec.taskId() + " is closed: " + task.reason());
      case OPEN -> { }
    }
    try {
      UploadCheck.header(task.spec, task.codec, header);
    } catch (FederationException e) {
      fail(task, "rejected upload: " + e.getMessage());
      throw e;
    }
    return new UploadReceiver() {
      @Override
      public void complete(byte[] data) {
        accept(task, header, data);
      }

      @Override
      public void abort(String reason) {
        task.uploadAborted();
      }
    };
  }

  private void accept(Task task, UploadHeader h, byte[] data) {
    bytesReceived.addAndGet(data.length);
    String clientId = task.owner.id();
    boolean slot = slots.take(clientId);
    boolean delivered = false;
    try {
      if (task.encoded && UploadCheck.foldsFromBytes(task.spec, task.codec)) {
        delivered = acceptEncoded(task, h, data);
        return;
      }
      Parameters p;
      try {
        p = UploadCheck.decode(task.spec, task.codec, task.global, data);
      } catch (FederationException f) {
        fail(task, "rejected upload: " + f.getMessage());
        throw f;
      }
      if (!task.succeed(new FitRes(p, h.numExamples(), h.metrics()))) {
        throw new FederationException(Code.FAILED_PRECONDITION,
            "task " + task.spec.taskId() + " is closed: " + task.reason());
      }
      delivered = true;
    } finally {
      if (slot && !delivered) {
        slots.consumed(clientId);
      }
    }
  }

  /**
   * Hands the upload's bytes on as they are ({@link EncodedFitRes}), after the one scan for
   * non-finite values, and waits until the coordinator has folded or dropped them: the transport
   * reuses the array once {@link UploadReceiver#complete} returns, and holding the upload's
   * permit meanwhile keeps the arrays in memory bounded by the permits.
   *
   * @return whether the result was delivered to the task
   */
  private boolean acceptEncoded(Task task, UploadHeader h, byte[] data) {
    CountDownLatch released = new CountDownLatch(1);
    EncodedFitRes res;
    try {
      res = new EncodedFitRes(task.spec.layout(),
          UploadCheck.foldable(task.spec, data, released::countDown), h.numExamples(),
          h.metrics());
    } catch (FederationException f) {
      fail(task, "rejected upload: " + f.getMessage());
      throw f;
    }
    if (!task.succeed(res)) {
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + task.spec.taskId() + " is closed: " + task.reason());
    }
    try {
      if (!released.await(FOLD_WAIT_MINUTES, TimeUnit.MINUTES)) {
        log.line("task " + task.spec.taskId() + ": its upload was not folded or dropped within "
            + FOLD_WAIT_MINUTES + " minutes; its buffer is given back");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /** See {@link FederationHandler#reportEvaluation}. */
  void reportEvaluation(String clientId, String taskId, EvaluateRes result) {
    Task task = tasks.owned(clientId, taskId);
    if (task.spec.kind() != TaskSpec.Kind.EVALUATE) {
      throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " is a fit task: upload its result with UploadResult");
    }
    try {
      UploadCheck.evaluation(result);
    } catch (FederationException f) {
      fail(task, "rejected evaluation: " + f.getMessage());
      throw f;
    }
    if (!task.succeed(result)) {
      throw new FederationException(
          task.state() == Task.State.DONE ? Code.ALREADY_EXISTS : Code.FAILED_PRECONDITION,
          task.state() == Task.State.DONE ? "task " + taskId + " already has a result"
              : "task " + taskId + " is closed: " + task.reason());
    }
  }

  /** See {@link ClientRegistry#reportFailure}. */
  void reportFailure(String clientId, String taskId, String reason) {
    String why = FederationHandler.cleanReason(reason);
    Task task;
    try {
      task = tasks.owned(clientId, taskId);
    } catch (FederationException e) {
      if (e.code() == Code.ALREADY_EXISTS) {
        throw new FederationException(Code.FAILED_PRECONDITION,
            "task " + taskId + " already has a result: it cannot fail any more");
      }
      throw e;
    }
    RemoteClient owner = task.owner;
    boolean fit = task.spec.kind() == TaskSpec.Kind.FIT;
    String what = (fit ? "local training failed: " : "local evaluation failed: ") + why;
    Task.State found = task.closeIfOpen(what,
        new ClientException(owner.id() + " (" + owner.name() + "): " + what));
    switch (found) {
      case OPEN -> { }
      case UPLOADING -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " has an upload in progress: it cannot fail now");
      case DONE -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " already has a result: it cannot fail any more");
      case CLOSED -> throw new FederationException(Code.FAILED_PRECONDITION,
          "task " + taskId + " is closed: " + task.reason());
    }
    log.line("client " + owner.id() + " (" + owner.name() + "): task " + taskId + " (round "
        + task.spec.round() + ", " + (fit ? "fit" : "evaluate") + ") failed on the device: "
        + why);
  }

  private static void fail(Task task, String reason) {
    task.close(reason, new ClientException(task.owner.id() + ": " + reason));
  }
}

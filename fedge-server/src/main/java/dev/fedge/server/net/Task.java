package dev.fedge.server.net;

import dev.fedge.api.Parameters;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.TaskSpec;
import java.util.concurrent.CompletableFuture;

/** One task given to one client, and its outcome. State changes happen under the task's lock. */
final class Task {

  /** Where a task is. */
  enum State {
    /** Waiting to be picked up, or being worked on by the client. */
    OPEN,
    /** Its result is arriving. */
    UPLOADING,
    /** Its result arrived and was accepted. */
    DONE,
    /** It failed, expired or was cancelled; {@link #reason} says why. */
    CLOSED
  }

  final TaskSpec spec;
  final RemoteClient owner;
  final Parameters global;
  final WireCodec codec;
  /** The coordinator takes the result still encoded ({@code EncodedFitRes}) when it can. */
  final boolean encoded;
  final CompletableFuture<Object> result = new CompletableFuture<>();
  private State state = State.OPEN;
  private String reason;

  Task(TaskSpec spec, RemoteClient owner, Parameters global, WireCodec codec) {
    this(spec, owner, global, codec, false);
  }

  Task(TaskSpec spec, RemoteClient owner, Parameters global, WireCodec codec, boolean encoded) {
    this.encoded = encoded;
    this.spec = spec;
    this.owner = owner;
    this.global = global;
    this.codec = codec;
  }

  synchronized State state() {
    return state;
  }

  synchronized String reason() {
    return reason;
  }

  /** Moves OPEN to UPLOADING; returns the state found. */
  synchronized State beginUpload() {
    State found = state;
    if (state == State.OPEN) {
      state = State.UPLOADING;
    }
    return found;
  }

  /** An upload attempt ended without a result: the client may try again. */
  synchronized void uploadAborted() {
    if (state == State.UPLOADING) {
      state = State.OPEN;
    }
  }

  /** Completes the task with its result; false when it was already closed. */
  synchronized boolean succeed(Object value) {
    if (state == State.DONE || state == State.CLOSED) {
      return false;
    }
    state = State.DONE;
    result.complete(value);
    return true;
  }

  /** Closes the task with a reason; false when it had already ended. */
  synchronized boolean close(String why, Throwable failure) {
    if (state == State.DONE || state == State.CLOSED) {
      return false;
    }
    state = State.CLOSED;
    reason = why;
    result.completeExceptionally(failure);
    return true;
  }

  /**
   * Closes the task with a reason only when it is open (not while its result is arriving);
   * returns the state found.
   */
  synchronized State closeIfOpen(String why, Throwable failure) {
    State found = state;
    if (state == State.OPEN) {
      state = State.CLOSED;
      reason = why;
      result.completeExceptionally(failure);
    }
    return found;
  }

  /** Whether the client should (still) be given this task. */
  synchronized boolean deliverable() {
    return state == State.OPEN;
  }

  /** Whether the task has ended. */
  synchronized boolean ended() {
    return state == State.DONE || state == State.CLOSED;
  }
}

package dev.fedge.transport;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Telemetry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The server's side of the protocol, free of gRPC: {@link TransportServer} checks framing, lengths
 * and checksums and calls these methods. Any method may throw {@link FederationException} to
 * refuse a request; its code and reason go back to the client as the gRPC status.
 */
public interface FederationHandler {

  /** Longest failure reason a client can report, in characters; longer ones are cut. */
  int MAX_FAILURE_REASON = 500;

  /**
   * Enrolls a device.
   *
   * @param enrollToken the token the client presented ("" for none)
   * @param name the device's stable name
   * @param facts what the device is
   * @param remote where the call came from
   * @return the client's id and credential
   */
  Registration register(String enrollToken, String name, DeviceFacts facts, SocketAddress remote);

  /**
   * Enrolls a device that may have registered before. The default ignores the previous credential
   * and calls {@link #register(String, String, DeviceFacts, SocketAddress)}; a handler that guards
   * device names against takeover overrides it.
   *
   * @param enrollToken the token the client presented ("" for none)
   * @param name the device's stable name
   * @param previousCredential the credential the device got when it last registered, or "" for
   *     none (a new install, or an older client)
   * @param facts what the device is
   * @param remote where the call came from
   * @return the client's id and credential
   */
  default Registration register(String enrollToken, String name, String previousCredential,
      DeviceFacts facts, SocketAddress remote) {
    return register(enrollToken, name, facts, remote);
  }

  /**
   * Finds the client a credential belongs to.
   *
   * @param credential the credential from the call's metadata ("" when absent)
   * @param remote where the call came from
   * @return the client id
   * @throws FederationException {@code UNAUTHENTICATED} for a missing or unknown credential,
   *     {@code PERMISSION_DENIED} for a revoked client
   */
  String authenticate(String credential, SocketAddress remote);

  /**
   * A heartbeat with the device's telemetry.
   *
   * @param clientId the authenticated client
   * @param telemetry its health now
   */
  void heartbeat(String clientId, Telemetry telemetry);

  /**
   * Waits for the client's next task.
   *
   * @param clientId the authenticated client
   * @param maxWait how long the call may be held
   * @return a future with the task, or empty after the wait; the transport cancels it when the
   *     client goes away
   */
  CompletableFuture<Optional<TaskSpec>> pullTask(String clientId, Duration maxWait);

  /**
   * The model blob a client asks for.
   *
   * @param clientId the authenticated client
   * @param modelId the id from its task
   * @return the blob
   * @throws FederationException {@code NOT_FOUND} when there is no such model
   */
  ModelBlob model(String clientId, String modelId);

  /**
   * Checks an upload's header and accepts it or refuses it before any data is read.
   *
   * @param clientId the authenticated client
   * @param header what the client says it sends
   * @return where the bytes go once they have all arrived intact
   */
  UploadReceiver beginUpload(String clientId, UploadHeader header);

  /**
   * A client's result for an evaluate task.
   *
   * @param clientId the authenticated client
   * @param taskId the task
   * @param result loss, examples and metrics
   */
  void reportEvaluation(String clientId, String taskId, EvaluateRes result);

  /**
   * A client could not do a task (its training or evaluation failed): the task should end at once
   * as a failure with this reason.
   *
   * @param clientId the authenticated client
   * @param taskId the task
   * @param reason the client's reason, already cleaned by {@link #cleanReason}
   * @throws FederationException {@code NOT_FOUND} for an unknown task, {@code PERMISSION_DENIED}
   *     for another client's task, {@code FAILED_PRECONDITION} for a task that already ended
   */
  void reportFailure(String clientId, String taskId, String reason);

  /**
   * Tells the handler that a call was refused, whoever refused it (the handler or the transport),
   * so it can be logged. Called once per refused call.
   *
   * @param clientId the client, or null when it was not authenticated
   * @param call the call, e.g. {@code UploadResult}
   * @param error the refusal
   */
  default void rejected(String clientId, String call, FederationException error) {}

  /**
   * A client's failure reason as one line: each run of whitespace and control characters (line
   * breaks included) becomes one space, the ends are trimmed, more than {@link #MAX_FAILURE_REASON} characters are cut (ending with "..."), and a blank
   * reason becomes "no reason given".
   *
   * @param reason what the client sent, or null
   * @return the reason to log and record
   */
  static String cleanReason(String reason) {
    if (reason == null) {
      return "no reason given";
    }
    StringBuilder b = new StringBuilder(Math.min(reason.length(), 4 * MAX_FAILURE_REASON));
    boolean space = true;
    for (int i = 0; i < reason.length() && b.length() <= MAX_FAILURE_REASON; i++) {
      char c = reason.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        if (!space) {
          b.append(' ');
        }
        space = true;
      } else {
        b.append(c);
        space = false;
      }
    }
    String s = b.toString().strip();
    if (s.isEmpty()) {
      return "no reason given";
    }
    if (s.length() > MAX_FAILURE_REASON) {
      int end = MAX_FAILURE_REASON - 3;
      if (Character.isHighSurrogate(s.charAt(end - 1))) {
        end--;
      }
      s = s.substring(0, end).stripTrailing() + "...";
    }
    return s;
  }
}

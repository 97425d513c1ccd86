package dev.fedge.strategy;

import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;

/**
 * The checks every client update passes before it is folded into an aggregate, shared by FedAvg's
 * round ({@link FedAvg#startAggregation}) and FedBuff's buffer ({@link FedBuff#startBuffer}). Each
 * failure is an {@link IllegalArgumentException} whose one-line message names the client and what
 * was wrong; nothing is changed by a check, so a rejected update leaves the aggregate as it was.
 */
final class UpdateChecks {

  private UpdateChecks() {}

  /**
   * Checks that the update names its client and has a result.
   *
   * @param clientId the client, not blank
   * @param result its result, not null
   * @throws IllegalArgumentException otherwise
   */
  static void identified(String clientId, Object result) {
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("clientId: must not be blank, got '" + clientId + "'");
    }
    if (result == null) {
      throw new IllegalArgumentException("client '" + clientId + "': result must not be null");
    }
  }

  /**
   * Checks that a result can be folded: the global model's layout, at least one example, finite
   * values (the message names the first bad value's index and tensor; values marked {@link
   * Parameters#checkedFinite} were scanned by their maker and are not scanned again).
   *
   * @param clientId the client that produced it
   * @param result its result, not null
   * @param global the global model's layout
   * @throws IllegalArgumentException naming the client and the problem
   */
  static void usable(String clientId, FitRes result, ParameterLayout global) {
    Parameters p = result.parameters();
    usable(clientId, p.layout(), result.numExamples(), global);
    if (p.checkedFinite()) {
      return; // its maker scanned it (the server's upload decode): no second pass over the values
    }
    int bad = Aggregations.firstNonFinite(p.values());
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "client '" + clientId + "': value " + p.values()[bad] + " at index " + bad
              + " (tensor '" + tensorAt(p.layout(), bad) + "') is not finite");
    }
  }

  /**
   * The checks of {@link #usable(String, FitRes, ParameterLayout)} that do not read the values:
   * the global model's layout and at least one example (an {@link EncodedFitRes}'s values were
   * scanned for non-finite ones by its maker).
   *
   * @param clientId the client that produced the result
   * @param layout the result's layout
   * @param numExamples its example count
   * @param global the global model's layout
   * @throws IllegalArgumentException naming the client and the problem
   */
  static void usable(String clientId, ParameterLayout layout, int numExamples,
      ParameterLayout global) {
    sameLayout(clientId, "layout", global, layout);
    if (numExamples == 0) {
      throw new IllegalArgumentException(
          "client '" + clientId + "': numExamples is 0; an update must come from at least one"
              + " training example");
    }
  }

  /**
   * Checks that a layout the client sent is the global model's.
   *
   * @param clientId the client
   * @param what what the layout belongs to, as the message starts it (e.g. {@code layout})
   * @param global the global model's layout
   * @param actual the layout to check
   * @throws IllegalArgumentException naming the client and the first tensor that differs
   */
  static void sameLayout(
      String clientId, String what, ParameterLayout global, ParameterLayout actual) {
    if (actual != global && !actual.equals(global)) {
      throw new IllegalArgumentException(
          "client '" + clientId + "': " + what + " differs from the global model: "
              + layoutDifference(global, actual));
    }
  }

  private static String layoutDifference(ParameterLayout expected, ParameterLayout actual) {
    int n = Math.min(expected.count(), actual.count());
    for (int i = 0; i < n; i++) {
      TensorSpec e = expected.tensors().get(i);
      TensorSpec a = actual.tensors().get(i);
      if (!e.equals(a)) {
        return "tensor " + i + " is " + a + ", expected " + e;
      }
    }
    return actual.count() + " tensors, expected " + expected.count();
  }

  private static String tensorAt(ParameterLayout layout, int index) {
    int off = 0;
    for (TensorSpec t : layout.tensors()) {
      off += t.size();
      if (index < off) {
        return t.name();
      }
    }
    return "?";
  }
}

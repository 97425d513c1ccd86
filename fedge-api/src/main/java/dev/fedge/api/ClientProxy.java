package dev.fedge.api;

/**
 * The server's handle on one client, wherever it runs (same process, or a device on the network).
 * The {@code Coordinator} talks to every client through this interface, so simulation and
 * deployment share one code path.
 *
 * <p>Calls block until the client answers; the coordinator applies round deadlines.
 */
public interface ClientProxy {

  /** Stable id of the client. */
  String id();

  /** What the device is. */
  default DeviceFacts facts() {
    return DeviceFacts.unknown();
  }

  /**
   * Trains locally from the given global model.
   *
   * @param ins the global model and settings
   * @return the trained model, number of examples and metrics
   * @throws ClientException when the client cannot deliver a result
   */
  FitRes fit(FitIns ins) throws ClientException;

  /**
   * Evaluates a model on the client's local test data.
   *
   * @param ins the model and settings
   * @return loss, number of examples and metrics
   * @throws ClientException when the client cannot deliver a result
   */
  EvaluateRes evaluate(EvaluateIns ins) throws ClientException;
}

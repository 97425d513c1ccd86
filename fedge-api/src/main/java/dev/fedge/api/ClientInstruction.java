package dev.fedge.api;

/**
 * One instruction for one client, as returned by a strategy's configure hooks.
 *
 * @param client the client to instruct
 * @param ins what to send it ({@link FitIns} or {@link EvaluateIns})
 * @param <T> instruction type
 */
public record ClientInstruction<T>(ClientProxy client, T ins) {

  /** Validates that neither part is null. */
  public ClientInstruction {
    if (client == null || ins == null) {
      throw new IllegalArgumentException("ClientInstruction: client and ins must not be null");
    }
  }
}

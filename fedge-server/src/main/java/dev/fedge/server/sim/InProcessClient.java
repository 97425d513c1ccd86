package dev.fedge.server.sim;

import dev.fedge.api.ClientException;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.LocalTrainer;

/** A simulated client: a {@link LocalTrainer} over one partition, called in the same process. */
public final class InProcessClient implements ClientProxy {

  private final String id;
  private final LocalTrainer trainer;
  private final DeviceFacts facts;

  /**
   * A client.
   *
   * @param id its id, e.g. {@code client-003}
   * @param trainer trains on the client's partition
   */
  public InProcessClient(String id, LocalTrainer trainer) {
    this.id = id;
    this.trainer = trainer;
    this.facts = DeviceFacts.unknown();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public DeviceFacts facts() {
    return facts;
  }

  @Override
  public FitRes fit(FitIns ins) throws ClientException {
    try {
      return trainer.fit(ins);
    } catch (RuntimeException e) {
      throw new ClientException(id + ": local training failed: " + e.getMessage(), e);
    }
  }

  @Override
  public EvaluateRes evaluate(EvaluateIns ins) throws ClientException {
    try {
      return trainer.evaluate(ins);
    } catch (RuntimeException e) {
      throw new ClientException(id + ": local evaluation failed: " + e.getMessage(), e);
    }
  }
}

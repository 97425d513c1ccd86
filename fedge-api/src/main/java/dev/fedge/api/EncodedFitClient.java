package dev.fedge.api;

/**
 * A client proxy that can hand back its fit result still encoded (a networked client's upload
 * bytes), so that a weighted-mean aggregation folds it without decoding it into a {@code
 * float[]} first. The coordinator asks for it only when the round's aggregation {@link
 * FitAggregation#foldsEncoded folds encoded results}, and calls {@link FoldableValues#release}
 * on the result once it is folded or dropped.
 */
public interface EncodedFitClient extends ClientProxy {

  /**
   * Like {@link #fit}, with the result's values left as they arrived.
   *
   * @param ins the global model and the round's config
   * @return the result; its values are finite
   * @throws ClientException when the client failed or its result was refused
   */
  EncodedFitRes fitEncoded(FitIns ins) throws ClientException;
}

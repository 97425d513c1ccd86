package dev.fedge.ml;

import dev.fedge.api.EvaluateRes;
import dev.fedge.api.Parameters;
import dev.fedge.data.reid.ReidEvaluator;
import dev.fedge.data.reid.ReidImages;
import dev.fedge.data.reid.ReidMetrics;
import dev.fedge.data.reid.ReidSplit;

/**
 * Retrieval evaluation of a re-identification model on a query and a gallery split: every image
 * is embedded on a {@link DjlRuntime} ({@link DjlRuntime#embed}), and {@link ReidEvaluator} ranks
 * the gallery for each query under the standard protocol (same identity from the same camera and
 * junk ignored). The server's central evaluation and a client's own use it alike.
 *
 * <p>The result is an {@link EvaluateRes} whose examples are the valid queries, whose metrics are
 * {@link ReidMetrics#NAMES} and whose loss is NaN (retrieval has none).
 */
public final class ReidEvaluation {

  /** The CMC is computed up to this rank. */
  public static final int MAX_RANK = 10;

  private final DjlRuntime runtime;
  private final ReidImages query;
  private final ReidImages gallery;

  /**
   * An evaluation on a runtime whose model is a {@link ReidNet}.
   *
   * @param runtime the runtime that embeds
   * @param query the query split
   * @param gallery the gallery split
   * @throws IllegalArgumentException when the runtime gives no embeddings or a split is not the
   *     query or gallery split
   */
  public ReidEvaluation(DjlRuntime runtime, ReidImages query, ReidImages gallery) {
    if (!runtime.embeds()) {
      throw new IllegalArgumentException("reid evaluation: model '" + runtime.network().name()
          + "' gives no embeddings");
    }
    if (query.split() != ReidSplit.QUERY || gallery.split() != ReidSplit.GALLERY) {
      throw new IllegalArgumentException("reid evaluation: expected a query and a gallery split, got "
          + query.split() + " and " + gallery.split());
    }
    this.runtime = runtime;
    this.query = query;
    this.gallery = gallery;
  }

  /** The query split. */
  public ReidImages query() {
    return query;
  }

  /** The gallery split. */
  public ReidImages gallery() {
    return gallery;
  }

  /**
   * CMC and mAP of a model.
   *
   * @param parameters the model
   * @param batchSize images per forward pass
   * @return the metrics
   */
  public ReidMetrics metrics(Parameters parameters, int batchSize) {
    float[][] q = runtime.embed(parameters, query.images(), batchSize);
    float[][] g = runtime.embed(parameters, gallery.images(), batchSize);
    return ReidEvaluator.evaluate(q, query.identities(), query.cameras(), g,
        gallery.identities(), gallery.cameras(), MAX_RANK);
  }

  /**
   * The metrics as an evaluation result.
   *
   * @param parameters the model
   * @param batchSize images per forward pass
   * @return NaN loss, the valid queries as examples, and {@link ReidMetrics#NAMES}
   */
  public EvaluateRes evaluate(Parameters parameters, int batchSize) {
    ReidMetrics m = metrics(parameters, batchSize);
    return new EvaluateRes(Double.NaN, m.validQueries(), m.toMap());
  }
}

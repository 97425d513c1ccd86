package dev.fedge.web.predict;

import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;

/** Runs a model forward on images: class probabilities, or embeddings, per image. */
public interface Predictor extends AutoCloseable {

  /**
   * Predicts class probabilities.
   *
   * @param spec the model's architecture and input
   * @param parameters the model's parameters
   * @param images raw images with the model's normalisation
   * @return one row of {@code spec.numClasses()} probabilities per image
   */
  float[][] predict(InputSpec spec, Parameters parameters, ImageDataset images);

  /**
   * Embeds images with a re-identification model ({@link InputSpec#embeds()}).
   *
   * @param spec the model's backbone, input and embedding size
   * @param parameters the model's parameters
   * @param images raw images with the model's normalisation
   * @return one row of {@code spec.embeddingDim()} values per image (the neck's output)
   */
  float[][] embed(InputSpec spec, Parameters parameters, ImageDataset images);

  /** Frees what the predictor holds (native memory). */
  @Override
  void close();
}

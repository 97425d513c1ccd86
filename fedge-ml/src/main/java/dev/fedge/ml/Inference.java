package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fedge.api.EvaluateRes;
import dev.fedge.data.ImageDataset;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Forward passes without training on a runtime's model arrays: evaluation (loss and accuracy),
 * class probabilities and re-identification embeddings. Callers hold the runtime's compute lock with gradients off.
 */
final class Inference {

  /** Writes images {@code [from, from+n)} of some source into a batch. */
  interface Filler {
    void fill(Batch batch, int from, int n);
  }

  private final Network network;
  private final NDManager root;
  private final TensorSet model;
  private final IntFunction<Batch> batches;

  /**
   * Inference on a runtime's arrays.
   *
   * @param network the model
   * @param root the manager steps are made under
   * @param model the model's arrays, loaded here from the values given
   * @param batches batch arrays by capacity, reused
   */
  Inference(Network network, NDManager root, TensorSet model, IntFunction<Batch> batches) {
    this.network = network;
    this.root = root;
    this.model = model;
    this.batches = batches;
  }

  /**
   * Mean cross-entropy and accuracy of a non-empty data set.
   *
   * @param values the model's values
   * @param data images and labels, at least one
   * @param batchSize images per forward pass
   * @return the evaluation
   */
  EvaluateRes evaluate(float[] values, ImageDataset data, int batchSize) {
    double lossSum = 0;
    long correct = 0;
    model.load(values);
    Batch batch = batches.apply(Math.min(batchSize, data.size()));
    for (int from = 0; from < data.size(); from += batch.capacity()) {
      int n = Math.min(batch.capacity(), data.size() - from);
      batch.fill(data, null, from, n);
      try (NDManager step = root.newSubManager()) {
        model.tempAttach(step);
        batch.tempAttach(step);
        NDArray logits = network.forward(model.arrays(), batch.input());
        lossSum -= logits.logSoftmax(1).gather(batch.labelArray(), 1).sum().getFloat();
        long[] predicted = logits.argMax(1).toLongArray();
        int[] labels = batch.labels();
        for (int k = 0; k < n; k++) {
          if (predicted[k] == labels[k]) {
            correct++;
          }
        }
      }
    }
    return new EvaluateRes(
        lossSum / data.size(),
        data.size(),
        Map.of(EvaluateRes.ACCURACY, correct / (double) data.size()));
  }

  /**
   * Class probabilities of {@code size} images.
   *
   * @param values the model's values
   * @param size number of images
   * @param batchSize images per forward pass
   * @param filler writes the images into a batch
   * @return one row of {@code numClasses} probabilities per image
   */
  float[][] predict(float[] values, int size, int batchSize, Filler filler) {
    float[][] out = new float[size][];
    if (size == 0) {
      return out;
    }
    model.load(values);
    Batch batch = batches.apply(Math.min(batchSize, size));
    int classes = network.numClasses();
    for (int from = 0; from < size; from += batch.capacity()) {
      int n = Math.min(batch.capacity(), size - from);
      filler.fill(batch, from, n);
      try (NDManager step = root.newSubManager()) {
        model.tempAttach(step);
        batch.tempAttach(step);
        float[] p = network.forward(model.arrays(), batch.input()).softmax(1).toFloatArray();
        for (int k = 0; k < n; k++) {
          out[from + k] = Arrays.copyOfRange(p, k * classes, (k + 1) * classes);
        }
      }
    }
    return out;
  }

  /**
   * Embeddings of {@code size} images from a re-identification model.
   *
   * @param reid the model (this inference's network)
   * @param values the model's values
   * @param size number of images
   * @param batchSize images per forward pass
   * @param filler writes the images into a batch
   * @return one row of {@code embeddingDim} values per image
   */
  float[][] embed(ReidNet reid, float[] values, int size, int batchSize, Filler filler) {
    float[][] out = new float[size][];
    if (size == 0) {
      return out;
    }
    model.load(values);
    Batch batch = batches.apply(Math.min(batchSize, size));
    int dim = reid.embeddingDim();
    for (int from = 0; from < size; from += batch.capacity()) {
      int n = Math.min(batch.capacity(), size - from);
      filler.fill(batch, from, n);
      try (NDManager step = root.newSubManager()) {
        model.tempAttach(step);
        batch.tempAttach(step);
        float[] e = reid.embed(model.arrays(), batch.input()).toFloatArray();
        for (int k = 0; k < n; k++) {
          out[from + k] = Arrays.copyOfRange(e, k * dim, (k + 1) * dim);
        }
      }
    }
    return out;
  }
}

package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.ParameterLayout;

/**
 * A model as a pure function of its parameters: a {@link ParameterLayout} of named tensors (PyTorch
 * names and shapes), a seeded initialiser, and a forward pass over DJL arrays. Networks hold no
 * arrays themselves, so one description serves any number of parameter sets (the trained model, the
 * frozen global model of FedNTD, ...).
 */
public interface Network {

  /** Registry name, e.g. {@code "cnn"}. */
  String name();

  /** Input channels. */
  int channels();

  /** Input rows. */
  int height();

  /** Input columns. */
  int width();

  /** Number of output classes. */
  int numClasses();

  /** The tensors of this model, in a stable order; the final layer is {@code head.*}. */
  ParameterLayout layout();

  /**
   * Fresh initial values, the same for the same seed.
   *
   * @param seed the seed
   * @return {@code layout().totalSize()} values in layout order
   */
  float[] initialize(long seed);

  /**
   * Computes the logits of a batch.
   *
   * @param params one array per tensor of {@link #layout()}, in layout order
   * @param input images, shape {@code (N, channels, height, width)}
   * @return logits, shape {@code (N, numClasses)}, attached to the input's manager
   */
  NDArray forward(NDArray[] params, NDArray input);
}

package dev.fedge.ml;

import ai.djl.ndarray.NDArray;

/**
 * A classification network whose layers before its {@code head.*} tensors can serve as a feature
 * extractor (the backbone of {@link ReidNet}). The head tensors come last in the layout, so the
 * features use only the tensors before them.
 */
interface Backbone extends Network {

  /** Length of the feature vector that feeds the head. */
  int featureSize();

  /**
   * The features that feed the head.
   *
   * @param params arrays of the tensors before {@code head.*}, in layout order (more may follow)
   * @param input images, shape {@code (N, channels, height, width)}
   * @return shape {@code (N, featureSize())}
   */
  NDArray features(NDArray[] params, NDArray input);
}

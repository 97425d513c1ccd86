package dev.fedge.ml;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;

/** Checks of what callers hand a {@link DjlRuntime}, with messages naming what is wrong. */
final class InputChecks {

  private final Network network;

  InputChecks(Network network) {
    this.network = network;
  }

  /** Parameters must be non-null and have the model's layout. */
  void parameters(Parameters parameters, String what) {
    if (parameters == null) {
      throw new IllegalArgumentException(what + ": parameters must not be null");
    }
    ParameterLayout layout = network.layout();
    if (!parameters.layout().equals(layout)) {
      throw new IllegalArgumentException(
          what
              + ": parameters have "
              + parameters.layout().count()
              + " tensors / "
              + parameters.size()
              + " values, but model '"
              + network.name()
              + "' has "
              + layout.count()
              + " tensors / "
              + layout.totalSize()
              + " values (first tensor "
              + layout.tensors().get(0)
              + ")");
    }
  }

  /** A data set must be non-null, have the model's image shape and at most its classes. */
  void data(ImageDataset data, String what) {
    shape(data, what);
    if (data.numClasses() > network.numClasses()) {
      throw new IllegalArgumentException(
          what
              + ": data set "
              + data
              + " has "
              + data.numClasses()
              + " classes, model '"
              + network.name()
              + "' has "
              + network.numClasses());
    }
  }

  /** A data set must be non-null and have the model's image shape (its labels are not used). */
  void shape(ImageDataset data, String what) {
    if (data == null) {
      throw new IllegalArgumentException(what + ": data set must not be null");
    }
    if (data.channels() != network.channels()
        || data.height() != network.height()
        || data.width() != network.width()) {
      throw new IllegalArgumentException(
          what
              + ": data set "
              + data
              + " has images of "
              + data.channels()
              + "x"
              + data.height()
              + "x"
              + data.width()
              + ", model '"
              + network.name()
              + "' expects "
              + network.channels()
              + "x"
              + network.height()
              + "x"
              + network.width());
    }
  }

  /** Normalised float images: {@code n * C*H*W} values. */
  void inputs(float[] inputs, int n) {
    int imageSize = network.channels() * network.height() * network.width();
    if (n < 0 || inputs == null || (long) n * imageSize != inputs.length) {
      throw new IllegalArgumentException(
          "predict: inputs must hold n * "
              + imageSize
              + " values ("
              + network.channels()
              + "x"
              + network.height()
              + "x"
              + network.width()
              + " per image), got "
              + (inputs == null ? "null" : inputs.length)
              + " values for n = "
              + n);
    }
  }

  /** A batch size must be >= 1. */
  static void batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
  }
}

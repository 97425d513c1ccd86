package dev.fedge.data;

/**
 * A data set's training and test parts.
 *
 * @param train training images
 * @param test test images
 */
public record DataSplit(ImageDataset train, ImageDataset test) {

  /** Validates that both parts have the same image shape and classes. */
  public DataSplit {
    if (train.channels() != test.channels() || train.height() != test.height()
        || train.width() != test.width() || train.numClasses() != test.numClasses()) {
      throw new IllegalArgumentException(
          "train " + train + " and test " + test + " differ in shape or classes");
    }
  }
}

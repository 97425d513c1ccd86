package dev.fedge.data;

/**
 * How {@link ImageFolderReader} turns a folder of images into a data set.
 *
 * @param width image width after resizing, > 0
 * @param height image height after resizing, > 0
 * @param grayscale true for 1 channel (luma), false for 3 (RGB)
 * @param seed seed of the train/test split when the folder has no {@code train/} and {@code test/}
 * @param testFraction share of each class held out for testing in that split, in [0, 1)
 */
public record ImageFolderOptions(
    int width, int height, boolean grayscale, long seed, double testFraction) {

  /** The defaults: 32x32 RGB, seed 0, 20% test. */
  public static final ImageFolderOptions DEFAULTS = new ImageFolderOptions(32, 32, false, 0, 0.2);

  /** Validates. */
  public ImageFolderOptions {
    if (width < 1 || height < 1 || (long) width * height > 4096 * 4096) {
      throw new IllegalArgumentException(
          "image size must be between 1x1 and 4096x4096, got " + width + "x" + height);
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in [0, 1), got " + testFraction);
    }
  }

  /** These options with another size. */
  public ImageFolderOptions withSize(int newWidth, int newHeight) {
    return new ImageFolderOptions(newWidth, newHeight, grayscale, seed, testFraction);
  }

  /** These options with grayscale on or off. */
  public ImageFolderOptions withGrayscale(boolean gray) {
    return new ImageFolderOptions(width, height, gray, seed, testFraction);
  }

  /** These options with another split seed. */
  public ImageFolderOptions withSeed(long newSeed) {
    return new ImageFolderOptions(width, height, grayscale, newSeed, testFraction);
  }

  /** Channels per image: 1 in grayscale, else 3. */
  public int channels() {
    return grayscale ? 1 : 3;
  }
}

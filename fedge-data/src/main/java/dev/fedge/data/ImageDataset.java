package dev.fedge.data;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable labelled image data set held in memory as raw 8-bit pixels in CHW order
 * (channel, row, column), one image after another. 60,000 Fashion-MNIST images take 47 MB.
 */
public final class ImageDataset {

  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final List<String> classNames;
  private final byte[] pixels;
  private final int[] labels;
  private final Normalization normalization;

  /**
   * Creates a data set; the arrays are owned by the data set afterwards (not copied).
   *
   * @param name name, e.g. {@code "fashion-mnist/train"}
   * @param channels channels per image (1 or 3)
   * @param height rows per image
   * @param width columns per image
   * @param classNames class names; labels index into it
   * @param pixels {@code labels.length * channels * height * width} raw pixels, CHW per image
   * @param labels class index per image
   * @param normalization how to turn raw pixels into model inputs
   */
  public ImageDataset(
      String name, int channels, int height, int width, List<String> classNames,
      byte[] pixels, int[] labels, Normalization normalization) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          name + ": image shape must be positive, got " + channels + "x" + height + "x" + width);
    }
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          name + ": expected " + expected + " pixel bytes for " + labels.length
              + " images, got " + pixels.length);
    }
    if (normalization.channels() != channels) {
      throw new IllegalArgumentException(
          name + ": normalization has " + normalization.channels() + " channels, images have "
              + channels);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException(
            name + ": label " + labels[i] + " of image " + i + " is outside [0, "
                + classNames.size() + ")");
      }
    }
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classNames = List.copyOf(classNames);
    this.pixels = pixels;
    this.labels = labels;
    this.normalization = normalization;
  }

  /** Name of the data set. */
  public String name() {
    return name;
  }

  /** Number of images. */
  public int size() {
    return labels.length;
  }

  /** Channels per image. */
  public int channels() {
    return channels;
  }

  /** Rows per image. */
  public int height() {
    return height;
  }

  /** Columns per image. */
  public int width() {
    return width;
  }

  /** Values per image ({@code channels * height * width}). */
  public int imageSize() {
    return channels * height * width;
  }

  /** Number of classes. */
  public int numClasses() {
    return classNames.size();
  }

  /** Class names. */
  public List<String> classNames() {
    return classNames;
  }

  /** Label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of all labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** How raw pixels become model inputs. */
  public Normalization normalization() {
    return normalization;
  }

  /** Raw pixel {@code j} (0..255) of image {@code i}, CHW order. */
  public int rawPixel(int i, int j) {
    return pixels[i * imageSize() + j] & 0xff;
  }

  /**
   * Writes image {@code i}, normalised, into {@code dst} starting at {@code offset} (CHW order).
   */
  public void copyNormalized(int i, float[] dst, int offset) {
    int plane = height * width;
    int base = i * imageSize();
    for (int c = 0; c < channels; c++) {
      float m = normalization.mean()[c];
      float s = normalization.std()[c];
      float scale = 1f / (255f * s);
      float shift = -m / s;
      int o = offset + c * plane;
      int p = base + c * plane;
      for (int k = 0; k < plane; k++) {
        dst[o + k] = (pixels[p + k] & 0xff) * scale + shift;
      }
    }
  }

  /** Number of images per class. */
  public int[] classCounts() {
    int[] counts = new int[numClasses()];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }

  /** A new data set with the images at the given indices, in that order. */
  public ImageDataset subset(int[] indices) {
    return subset(name, indices);
  }

  /** A new data set with the images at the given indices, under a new name. */
  public ImageDataset subset(String newName, int[] indices) {
    int is = imageSize();
    byte[] px = new byte[indices.length * is];
    int[] lb = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= labels.length) {
        throw new IndexOutOfBoundsException(name + ": index " + i + " of " + labels.length);
      }
      System.arraycopy(pixels, i * is, px, k * is, is);
      lb[k] = labels[i];
    }
    return new ImageDataset(newName, channels, height, width, classNames, px, lb, normalization);
  }

  /**
   * The images of the first {@code k} classes only, as a data set of {@code k} classes (the same
   * labels and class names): e.g. the training identities of the Fashion-MNIST re-identification
   * proxy, classes 0-6.
   *
   * @param k classes kept, in [1, numClasses()]
   * @return the data set
   */
  public ImageDataset firstClasses(int k) {
    if (k < 1 || k > classNames.size()) {
      throw new IllegalArgumentException(name + ": cannot keep the first " + k + " of "
          + classNames.size() + " classes");
    }
    int[] idx = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] < k)
        .toArray();
    ImageDataset kept = subset(name, idx);
    return new ImageDataset(name, channels, height, width, classNames.subList(0, k), kept.pixels,
        kept.labels, normalization);
  }

  /** The first {@code n} images (or all when fewer). */
  public ImageDataset head(int n) {
    int[] idx = new int[Math.min(n, size())];
    Arrays.setAll(idx, k -> k);
    return subset(name, idx);
  }

  @Override
  public String toString() {
    return name + "[" + size() + " x " + channels + "x" + height + "x" + width + ", "
        + numClasses() + " classes]";
  }
}

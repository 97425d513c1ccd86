package dev.fedge.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (gzipped or not): a big-endian magic number
 * {@code 0x0000 08 nd} (unsigned bytes, {@code nd} dimensions), {@code nd} big-endian 32-bit
 * dimension sizes, then the data. Labels are {@code 0x00000801} (one dimension), images {@code
 * 0x00000803} (count, rows, columns).
 */
public final class IdxReader {

  /** Magic number of an IDX label file: unsigned bytes, one dimension. */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Magic number of an IDX image file: unsigned bytes, three dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;

  private IdxReader() {}

  /**
   * Reads an image file and its label file into a data set of 1-channel images.
   *
   * @param name data set name, e.g. {@code "fashion-mnist/train"}
   * @param images IDX image file
   * @param labels IDX label file with as many labels as there are images
   * @param classNames class names; every label must index into it
   * @param normalization normalisation of the images (1 channel)
   * @return the data set
   * @throws DataFormatException when a file is malformed or the two files do not match
   * @throws IOException when a file cannot be read
   */
  public static ImageDataset read(
      String name, Path images, Path labels, List<String> classNames, Normalization normalization)
      throws IOException {
    Images im = readImages(images);
    int[] lb = readLabels(labels, classNames.size());
    if (lb.length != im.count()) {
      throw new DataFormatException(
          Streams.name(labels),
          lb.length + " labels but " + Streams.name(images) + " has " + im.count() + " images");
    }
    return new ImageDataset(
        name, 1, im.rows(), im.cols(), classNames, im.pixels(), lb, normalization);
  }

  /**
   * Reads an IDX label file.
   *
   * @param file the file, gzipped or not
   * @param numClasses labels must lie in {@code [0, numClasses)}
   * @return the labels
   * @throws DataFormatException on a wrong magic number, a truncated file or a label out of range
   * @throws IOException when the file cannot be read
   */
  public static int[] readLabels(Path file, int numClasses) throws IOException {
    String fn = Streams.name(file);
    try (InputStream in = Streams.open(file)) {
      int[] dims = header(in, fn, LABELS_MAGIC, "labels");
      byte[] raw = new byte[dims[0]];
      int got = Streams.readFully(in, raw, fn);
      if (got < raw.length) {
        throw new DataFormatException(
            fn, "truncated: expected " + raw.length + " label bytes, got " + got);
      }
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] >= numClasses) {
          throw new DataFormatException(
              fn, "label " + labels[i] + " of item " + i + " is outside [0, " + numClasses + ")");
        }
      }
      return labels;
    }
  }

  /** Reads an IDX image file (count, rows, columns). */
  static Images readImages(Path file) throws IOException {
    String fn = Streams.name(file);
    try (InputStream in = Streams.open(file)) {
      int[] dims = header(in, fn, IMAGES_MAGIC, "images");
      long total = (long) dims[0] * dims[1] * dims[2];
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataFormatException(
            fn, "too large: " + dims[0] + "x" + dims[1] + "x" + dims[2] + " pixel bytes");
      }
      byte[] pixels = new byte[(int) total];
      int got = Streams.readFully(in, pixels, fn);
      if (got < pixels.length) {
        throw new DataFormatException(
            fn, "truncated: expected " + pixels.length + " pixel bytes, got " + got);
      }
      return new Images(dims[0], dims[1], dims[2], pixels);
    }
  }

  private static int[] header(InputStream in, String fn, int expectedMagic, String what)
      throws IOException {
    int ndims = expectedMagic & 0xff;
    byte[] h = new byte[4 + 4 * ndims];
    int got = Streams.readFully(in, h, fn);
    if (got < 4) {
      throw new DataFormatException(fn, "truncated: " + got + " bytes, no IDX header");
    }
    int magic = readInt(h, 0);
    if (magic != expectedMagic) {
      throw new DataFormatException(
          fn,
          String.format(
              "wrong magic 0x%08x, expected 0x%08x (IDX %s)", magic, expectedMagic, what));
    }
    if (got < h.length) {
      throw new DataFormatException(
          fn, "truncated: header needs " + h.length + " bytes, got " + got);
    }
    int[] dims = new int[ndims];
    for (int d = 0; d < ndims; d++) {
      dims[d] = readInt(h, 4 + 4 * d);
      if (dims[d] < 0 || (d > 0 && dims[d] == 0)) {
        throw new DataFormatException(fn, "bad dimension " + d + ": " + dims[d]);
      }
    }
    return dims;
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  /** Decoded IDX images; the pixel array is owned by the caller. */
  record Images(int count, int rows, int cols, byte[] pixels) {}
}

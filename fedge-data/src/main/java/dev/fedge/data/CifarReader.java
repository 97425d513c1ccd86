package dev.fedge.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR binary formats: CIFAR-10 records are one label byte then 3072 pixel bytes (32x32
 * red, then green, then blue: CHW); CIFAR-100 records are a coarse label byte, a fine label byte,
 * then the 3072 pixel bytes (the fine label is used).
 */
public final class CifarReader {

  /** Image side in pixels. */
  public static final int SIDE = 32;

  /** Pixel bytes per image (3 x 32 x 32). */
  public static final int IMAGE_BYTES = 3 * SIDE * SIDE;

  private CifarReader() {}

  /**
   * Reads batch files into one data set, records in file order.
   *
   * @param name data set name, e.g. {@code "cifar10/train"}
   * @param files batch files
   * @param labelBytes label bytes before each image: 1 for CIFAR-10, 2 for CIFAR-100 (the last is
   *     used)
   * @param classNames class names; every label must index into it
   * @param normalization normalisation (3 channels)
   * @return the data set
   * @throws DataFormatException when a file is not a whole number of records or a label is out of
   *     range
   * @throws IOException when a file cannot be read
   */
  public static ImageDataset read(
      String name, List<Path> files, int labelBytes, List<String> classNames,
      Normalization normalization) throws IOException {
    if (labelBytes < 1 || labelBytes > 2) {
      throw new IllegalArgumentException("labelBytes must be 1 or 2, got " + labelBytes);
    }
    int record = labelBytes + IMAGE_BYTES;
    long total = 0;
    for (Path f : files) {
      long size = Files.size(f);
      if (size == 0 || size % record != 0) {
        throw new DataFormatException(
            Streams.name(f),
            "truncated or not CIFAR: " + size + " bytes is not a whole number of " + record
                + "-byte records");
      }
      total += size / record;
    }
    if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(name + ": too many images: " + total);
    }
    byte[] pixels = new byte[(int) total * IMAGE_BYTES];
    int[] labels = new int[(int) total];
    byte[] rec = new byte[record];
    int k = 0;
    for (Path f : files) {
      String fn = Streams.name(f);
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
        for (int r = 0; ; r++) {
          int got = Streams.readFully(in, rec, fn);
          if (got == 0) {
            break;
          }
          if (got < record) {
            throw new DataFormatException(fn, "truncated: record " + r + " has " + got + " bytes");
          }
          int label = rec[labelBytes - 1] & 0xff;
          if (label >= classNames.size()) {
            throw new DataFormatException(
                fn, "label " + label + " of record " + r + " is outside [0, " + classNames.size()
                    + ")");
          }
          labels[k] = label;
          System.arraycopy(rec, labelBytes, pixels, k * IMAGE_BYTES, IMAGE_BYTES);
          k++;
        }
      }
    }
    return new ImageDataset(name, 3, SIDE, SIDE, classNames, pixels, labels, normalization);
  }

  /**
   * Reads class names, one per non-blank line ({@code batches.meta.txt}, {@code
   * fine_label_names.txt}).
   *
   * @param file the file
   * @param expected how many names there must be
   * @return the names
   * @throws DataFormatException when the count differs
   * @throws IOException when the file cannot be read
   */
  public static List<String> readClassNames(Path file, int expected) throws IOException {
    List<String> names = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    if (names.size() != expected) {
      throw new DataFormatException(
          Streams.name(file), "expected " + expected + " class names, got " + names.size());
    }
    return names;
  }
}

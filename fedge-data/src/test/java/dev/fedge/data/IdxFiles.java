package dev.fedge.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small files in the IDX format for tests. */
final class IdxFiles {

  private IdxFiles() {}

  /** IDX image bytes: magic 0x803, count, rows, cols, then pixels. */
  static byte[] images(int count, int rows, int cols, byte[] pixels) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    out.write(pixels);
    return bos.toByteArray();
  }

  /** IDX label bytes: magic 0x801, count, then labels. */
  static byte[] labels(int... labels) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(labels.length);
    for (int l : labels) {
      out.writeByte(l);
    }
    return bos.toByteArray();
  }

  /** Pixels where image i's pixel j is (i * 31 + j) mod 256. */
  static byte[] pattern(int count, int size) {
    byte[] px = new byte[count * size];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < size; j++) {
        px[i * size + j] = (byte) (i * 31 + j);
      }
    }
    return px;
  }

  /** Writes bytes, gzipped when the name ends with .gz. */
  static Path write(Path file, byte[] data) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (file.toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(data);
      }
    } else {
      Files.write(file, data);
    }
    return file;
  }

  /** Writes a complete small IDX data set (train n, test m images of 4x3) into dir. */
  static void writeSet(Path dir, int n, int m, boolean gz) throws IOException {
    String ext = gz ? ".gz" : "";
    int[] trainLabels = new int[n];
    for (int i = 0; i < n; i++) {
      trainLabels[i] = i % 10;
    }
    int[] testLabels = new int[m];
    for (int i = 0; i < m; i++) {
      testLabels[i] = (i * 3) % 10;
    }
    write(dir.resolve("train-images-idx3-ubyte" + ext), images(n, 4, 3, pattern(n, 12)));
    write(dir.resolve("train-labels-idx1-ubyte" + ext), labels(trainLabels));
    write(dir.resolve("t10k-images-idx3-ubyte" + ext), images(m, 4, 3, pattern(m, 12)));
    write(dir.resolve("t10k-labels-idx1-ubyte" + ext), labels(testLabels));
  }
}

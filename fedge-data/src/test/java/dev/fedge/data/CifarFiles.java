package dev.fedge.data;

/** Writes small CIFAR binary batches for tests. */
final class CifarFiles {

  private CifarFiles() {}

  /**
   * Records with the given labels; image i's pixel j is (i + j * 7) mod 256 plus an offset.
   *
   * @param labelBytes 1 (CIFAR-10) or 2 (CIFAR-100: coarse, fine)
   * @param offset added to every pixel, to tell batches apart
   * @param labels fine labels; the coarse label is label / 5
   */
  static byte[] batch(int labelBytes, int offset, int... labels) {
    int rec = labelBytes + CifarReader.IMAGE_BYTES;
    byte[] out = new byte[labels.length * rec];
    for (int i = 0; i < labels.length; i++) {
      int o = i * rec;
      if (labelBytes == 2) {
        out[o] = (byte) (labels[i] / 5);
      }
      out[o + labelBytes - 1] = (byte) labels[i];
      for (int j = 0; j < CifarReader.IMAGE_BYTES; j++) {
        out[o + labelBytes + j] = (byte) (i + j * 7 + offset);
      }
    }
    return out;
  }
}

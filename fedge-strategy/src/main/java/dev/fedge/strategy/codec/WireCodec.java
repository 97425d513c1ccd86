package dev.fedge.strategy.codec;

import dev.fedge.api.ParameterCodec;
import dev.fedge.api.ParameterLayout;

/**
 * A {@link ParameterCodec} that knows in advance how many bytes a layout encodes to, so a receiver
 * can check a transfer's announced length before reading it.
 */
public interface WireCodec extends ParameterCodec {

  /**
   * Exact number of bytes {@link #encode} produces for parameters with this layout.
   *
   * @param layout the layout
   * @return the encoded length in bytes
   */
  long encodedSize(ParameterLayout layout);

  /**
   * Checks that {@code length} is what this codec produces for {@code layout}.
   *
   * @param layout the layout
   * @param length the length received
   * @throws IllegalArgumentException naming the codec, the expected and the actual length
   */
  default void checkLength(ParameterLayout layout, long length) {
    long expected = encodedSize(layout);
    if (length != expected) {
      throw new IllegalArgumentException(
          "codec " + name() + ": a layout of " + layout.totalSize() + " values needs " + expected
              + " bytes, got " + length);
    }
  }
}

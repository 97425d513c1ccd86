package dev.fedge.api;

/**
 * Turns parameters into bytes for the wire and back (float32, float16, int8 with a per-tensor
 * scale, ...). The layout travels separately, so only values are encoded.
 */
public interface ParameterCodec {

  /** Name used in run configs, e.g. {@code "float32"}. */
  String name();

  /**
   * Encodes the values of the parameters.
   *
   * @param parameters what to encode
   * @return the encoded bytes
   */
  byte[] encode(Parameters parameters);

  /**
   * Decodes values for a known layout.
   *
   * @param layout the layout the values belong to
   * @param data bytes from {@link #encode}
   * @return the decoded parameters
   * @throws IllegalArgumentException when the bytes do not fit the layout
   */
  Parameters decode(ParameterLayout layout, byte[] data);
}

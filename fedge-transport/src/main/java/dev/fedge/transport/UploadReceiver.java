package dev.fedge.transport;

/**
 * Where the bytes of one accepted upload go. The transport has already checked that exactly
 * {@code totalLength} bytes arrived and that their CRC32C matches the header.
 */
public interface UploadReceiver {

  /**
   * Takes the complete, checksummed bytes of the upload.
   *
   * @param data the encoded result, valid only during this call: the transport reuses the array
   *     for a later upload once it returns, so keep a decoded copy, not the array
   * @throws FederationException to reject the upload (e.g. NaN values); the reason goes back to
   *     the client
   */
  void complete(byte[] data);

  /**
   * The upload ended without a usable result (truncated, corrupted, cancelled, or {@link
   * #complete} failed). May be called after a failed {@link #complete}; the receiver keeps what
   * it decided there.
   *
   * @param reason why
   */
  void abort(String reason);
}

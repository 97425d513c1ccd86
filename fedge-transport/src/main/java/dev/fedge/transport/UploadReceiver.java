package dev.fedge.transport;

/**
 * Where the bytes of one accepted upload go. The transport has already checked that exactly
 * {@code totalLength} bytes arrived and that their SHA-256 matches the header.
 */
public interface UploadReceiver {

  /**
   * Takes the complete, checksummed bytes of the upload.
   *
   * @param data the encoded result, owned by the receiver
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

package dev.fedge.web;

/** An error answered with a status code and {@code {"error": message}}. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpError(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The 413 for a request body of {@code size} (e.g. "52428800 bytes") over {@code limit}. */
  static HttpError tooLarge(String size, long limit) {
    return new HttpError(413, "request body of " + size + " is over the limit of " + limit
        + " bytes (" + (limit >> 20) + " MiB)");
  }

  int status() {
    return status;
  }
}

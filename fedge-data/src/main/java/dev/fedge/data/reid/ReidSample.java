package dev.fedge.data.reid;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One re-identification image.
 *
 * @param image the image file
 * @param identity vehicle or person id; {@code 0} is Market-1501's distractor id, kept in the
 *     gallery as a non-match
 * @param camera camera id (1-based, as in the file names)
 * @param split which part the image belongs to
 */
public record ReidSample(Path image, int identity, int camera, ReidSplit split) {

  /** Validates. */
  public ReidSample {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(split, "split");
    if (identity < 0) {
      throw new IllegalArgumentException(image + ": identity must be >= 0, got " + identity);
    }
    if (camera < 0) {
      throw new IllegalArgumentException(image + ": camera must be >= 0, got " + camera);
    }
  }
}

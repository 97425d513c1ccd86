package dev.fedge.data.reid;

import dev.fedge.data.ImageDataset;
import java.util.Objects;

/**
 * One split of a re-identification data set held in memory: images with an identity and a
 * camera each (the in-memory counterpart of a list of {@link ReidSample}s).
 *
 * @param images the images; their labels are the identities
 * @param identities identity per image
 * @param cameras camera per image (1-based)
 * @param split which part this is
 */
public record ReidImages(ImageDataset images, int[] identities, int[] cameras, ReidSplit split) {

  /** Validates and copies. */
  public ReidImages {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(split, "split");
    if (identities.length != images.size() || cameras.length != images.size()) {
      throw new IllegalArgumentException(images.name() + ": " + images.size() + " images, "
          + identities.length + " identities, " + cameras.length + " cameras");
    }
    identities = identities.clone();
    cameras = cameras.clone();
  }

  /** Number of images. */
  public int size() {
    return identities.length;
  }

  /** A copy of the identities. */
  @Override
  public int[] identities() {
    return identities.clone();
  }

  /** A copy of the cameras. */
  @Override
  public int[] cameras() {
    return cameras.clone();
  }
}

package dev.fedge.data.reid;

/** The three parts of a re-identification data set. */
public enum ReidSplit {
  /** Training images; their identities are disjoint from query and gallery. */
  TRAIN,
  /** Probe images, each searched for in the gallery. */
  QUERY,
  /** The images that are ranked for each query. */
  GALLERY
}

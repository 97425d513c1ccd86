package dev.fedge.data.reid;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A re-identification data set: training, query and gallery samples.
 *
 * @param name e.g. {@code "veri776"}
 * @param train training samples
 * @param query query samples
 * @param gallery gallery samples
 */
public record ReidDataset(
    String name, List<ReidSample> train, List<ReidSample> query, List<ReidSample> gallery) {

  /** Validates and copies. */
  public ReidDataset {
    Objects.requireNonNull(name, "name");
    train = List.copyOf(train);
    query = List.copyOf(query);
    gallery = List.copyOf(gallery);
  }

  /** The samples of one split. */
  public List<ReidSample> split(ReidSplit split) {
    return switch (split) {
      case TRAIN -> train;
      case QUERY -> query;
      case GALLERY -> gallery;
    };
  }

  /** Number of distinct identities in a split. */
  public int identities(ReidSplit split) {
    TreeSet<Integer> ids = new TreeSet<>();
    split(split).forEach(s -> ids.add(s.identity()));
    return ids.size();
  }

  /** Number of distinct cameras in a split. */
  public int cameras(ReidSplit split) {
    TreeSet<Integer> cams = new TreeSet<>();
    split(split).forEach(s -> cams.add(s.camera()));
    return cams.size();
  }

  /** One line of counts: ids, cameras and images per split. */
  public String summary() {
    StringBuilder sb = new StringBuilder(name);
    for (ReidSplit s : ReidSplit.values()) {
      sb.append(String.format(java.util.Locale.ROOT, " %s: %d ids, %d cameras, %d images;",
          s.name().toLowerCase(java.util.Locale.ROOT), identities(s), cameras(s),
          split(s).size()));
    }
    return sb.substring(0, sb.length() - 1);
  }
}

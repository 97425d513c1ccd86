package dev.fedge.server.study;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One unit of the study: an algorithm on a partition with a seed. Its files live under {@code
 * results/<partition folder>/}: {@code <algorithm>-s<seed>.csv} (one row per round), {@code .json}
 * (exact settings and the history of its runs) and, while unfinished, {@code .ckpt.safetensors}
 * (the global model after the last round, float16).
 *
 * @param algorithm strategy name ({@code fedavg}, {@code local-only}, ...)
 * @param partition partition spec ({@code shards:2}, {@code dirichlet:0.1}, {@code iid})
 * @param seed seed of the partition, the initial model and the client sampling
 */
public record StudyCell(String algorithm, String partition, long seed) {

  /** Validates. */
  public StudyCell {
    if (algorithm == null || algorithm.isBlank()) {
      throw new IllegalArgumentException("cell algorithm must not be empty");
    }
    if (partition == null || partition.isBlank()) {
      throw new IllegalArgumentException("cell partition must not be empty");
    }
    if (seed < 0) {
      throw new IllegalArgumentException("cell seed must be >= 0, got " + seed);
    }
    algorithm = algorithm.strip().toLowerCase(Locale.ROOT);
    partition = partition.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The folder name of a partition: {@code shards:2} becomes {@code shards-2} (no colons in file
   * names, so the results check out on every system).
   */
  public static String folderName(String partition) {
    return partition.replace(':', '-');
  }

  /** A short label, e.g. {@code fedavg shards:2 s1}. */
  public String label() {
    return algorithm + " " + partition + " s" + seed;
  }

  /** The cell's folder under a results folder. */
  public Path folder(Path results) {
    return results.resolve(folderName(partition));
  }

  /** The per-round CSV. */
  public Path csv(Path results) {
    return folder(results).resolve(base() + ".csv");
  }

  /** The settings and history JSON. */
  public Path json(Path results) {
    return folder(results).resolve(base() + ".json");
  }

  /** The checkpoint of an unfinished cell. */
  public Path checkpoint(Path results) {
    return folder(results).resolve(base() + ".ckpt.safetensors");
  }

  private String base() {
    return algorithm + "-s" + seed;
  }
}

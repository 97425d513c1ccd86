package dev.fedge.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a data set's files were found.
 *
 * @param name the data set's name, e.g. {@code "fashion-mnist"}
 * @param dir the folder that holds the files
 * @param files the data files, in the order the reader needs them
 * @param origin how they got there
 */
public record LocatedDataset(String name, Path dir, List<Path> files, Origin origin) {

  /** How the files were found. */
  public enum Origin {
    /** Already in the data folder ({@code ./data/<name>/} by default). */
    DATA_DIR,
    /** Installed by a system package, e.g. Debian's {@code dataset-fashion-mnist}. */
    SYSTEM,
    /** Downloaded just now. */
    DOWNLOADED,
    /** A folder of images given by path ({@code folder:<path>}). */
    FOLDER
  }

  /** Validates and copies. */
  public LocatedDataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(origin, "origin");
    files = List.copyOf(files);
  }
}

package dev.fedge.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads data sets by name: {@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code cifar100}
 * and {@code folder:<path>} (a folder of images, one sub-folder per class).
 *
 * <pre>{@code
 * DataSplit fmnist = Datasets.load("fashion-mnist", Path.of("data"));
 * }</pre>
 */
public final class Datasets {

  /** The known names, {@code folder:<path>} last. */
  public static final List<String> NAMES = Catalog.NAMES;

  private Datasets() {}

  /**
   * Loads a data set, looking in {@code dataDir/<name>/}, then system locations, then downloading.
   *
   * @param name a known name or {@code folder:<path>}
   * @param dataDir the data folder
   * @return training and test parts
   * @throws IllegalArgumentException for an unknown name; {@link DataFormatException} for a bad
   *     file
   * @throws DatasetUnavailableException when the files are missing and cannot be downloaded
   * @throws IOException when a file cannot be read
   */
  public static DataSplit load(String name, Path dataDir) throws IOException {
    return load(name, DatasetLocator.builder().optDataDir(dataDir).build());
  }

  /**
   * Loads a data set with the given locator.
   *
   * @param name a known name or {@code folder:<path>}
   * @param locator where to look and how to download
   * @return training and test parts
   * @throws IOException see {@link #load(String, Path)}
   */
  public static DataSplit load(String name, DatasetLocator locator) throws IOException {
    return read(locator.locate(name), ImageFolderOptions.DEFAULTS);
  }

  /**
   * Reads located files.
   *
   * @param located where the files are
   * @param folderOptions size, colour and split for {@code folder:} data sets (ignored otherwise)
   * @return training and test parts
   * @throws IOException when a file cannot be read
   */
  public static DataSplit read(LocatedDataset located, ImageFolderOptions folderOptions)
      throws IOException {
    String name = located.name();
    if (located.origin() == LocatedDataset.Origin.FOLDER) {
      return ImageFolderReader.read(name, located.dir(), folderOptions);
    }
    Catalog.Entry e = Catalog.entry(name);
    List<Path> f = located.files();
    if (e.layout() == Catalog.Layout.IDX) {
      return new DataSplit(
          IdxReader.read(name + "/train", f.get(0), f.get(1), e.classNames(), e.normalization()),
          IdxReader.read(name + "/test", f.get(2), f.get(3), e.classNames(), e.normalization()));
    }
    List<String> classes = e.classNames();
    Path namesFile = located.dir().resolve(e.classNamesFile());
    if (Files.isRegularFile(namesFile)) {
      classes = CifarReader.readClassNames(namesFile, classes.size());
    }
    int labelBytes = e == Catalog.CIFAR100 ? 2 : 1;
    int last = f.size() - 1;
    return new DataSplit(
        CifarReader.read(name + "/train", f.subList(0, last), labelBytes, classes,
            e.normalization()),
        CifarReader.read(name + "/test", f.subList(last, f.size()), labelBytes, classes,
            e.normalization()));
  }

  /**
   * The normalisation of a known data set (folders compute theirs from their images).
   *
   * @param name a known name
   * @return per-channel mean and std
   */
  public static Normalization normalization(String name) {
    return Catalog.entry(name).normalization();
  }

  /**
   * The default class names of a known data set (CIFAR's meta files, when present, win).
   *
   * @param name a known name
   * @return class names, label order
   */
  public static List<String> classNames(String name) {
    return Catalog.entry(name).classNames();
  }

  /**
   * Checks a data set name without touching the disk.
   *
   * @param name a name
   * @throws IllegalArgumentException listing the known names when it is not one of them
   */
  public static void checkName(String name) {
    if (!name.startsWith(Catalog.FOLDER_PREFIX)) {
      Catalog.entry(name);
    }
  }
}

package dev.fedge.cli;

import dev.fedge.data.DatasetLocator;
import dev.fedge.data.DatasetUnavailableException;
import dev.fedge.data.Datasets;
import dev.fedge.data.LocatedDataset;
import dev.fedge.data.download.ProgressBar;
import dev.fedge.data.reid.ReidDataset;
import dev.fedge.data.reid.ReidReaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedge data fetch NAME}: finds a data set on disk or downloads it, then prints where its
 * files are and their sizes.
 */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Find a data set on disk or download it (checksums verified), then show where its files are.",
      "Looks in <data-dir>/<name>/, then system packages (Debian's dataset-fashion-mnist), then"
          + " downloads into <data-dir>/<name>/.",
      "Names: fashion-mnist, mnist, cifar10, cifar100, folder:<path>; veri776 and market1501"
          + " need a manual download: fetch says where to put them and checks what it finds."
    })
public final class DataFetchCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Data set name.")
  String name;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data folder (default: ./data, or -Dfedge.data.dir).")
  Path dataDir;

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description = "Download from this mirror (holding <name>/<file>) instead of the official"
          + " sources.")
  String mirror;

  @Option(names = "--offline", description = "Never download; fail if the files are not on disk.")
  boolean offline;

  @Override
  protected int doCall() throws IOException {
    if (ReidReaders.isReid(name)) {
      ReidDataset d = reid(name, dataDir);
      out().println(d.summary());
      return 0;
    }
    Datasets.checkName(name);
    LocatedDataset found = locate(name, dataDir, mirror, offline, new ProgressBar(err()));
    out().println(name + ": " + describe(found));
    for (Path f : found.files()) {
      if (Files.isRegularFile(f)) {
        out().printf(Locale.ROOT, "  %-32s %10s%n", f.getFileName(), size(Files.size(f)));
      }
    }
    return 0;
  }

  /**
   * Locates a data set with the CLI's options; a missing data set becomes exit code 3 with the
   * locator's one line.
   */
  static LocatedDataset locate(
      String name, Path dataDir, String mirror, boolean offline, ProgressBar progress)
      throws IOException {
    DatasetLocator.Builder b = DatasetLocator.builder().optProgress(progress)
        .optDownload(!offline);
    if (dataDir != null) {
      b.optDataDir(dataDir);
    }
    if (mirror != null) {
      b.optMirror(mirror);
    }
    try {
      return b.build().locate(name);
    } catch (DatasetUnavailableException e) {
      throw new ExitException(ExitException.UNAVAILABLE, e.getMessage(), e);
    }
  }

  /**
   * Reads a re-identification data set from {@code <data-dir>/<name>/}; anything missing becomes
   * exit code 2 with one line saying what is missing and where to put the files.
   */
  static ReidDataset reid(String name, Path dataDir) throws IOException {
    Path dir = (dataDir != null ? dataDir : DatasetLocator.defaults().dataDir()).resolve(name);
    try {
      return ReidReaders.read(name, dir);
    } catch (DatasetUnavailableException e) {
      throw new ExitException(ExitException.INVALID_INPUT, e.getMessage(), e);
    }
  }

  /** Where the files are and how they got there, e.g. {@code /usr/share/... (system package)}. */
  static String describe(LocatedDataset found) {
    String how = switch (found.origin()) {
      case DATA_DIR -> "data folder";
      case SYSTEM -> "system package";
      case DOWNLOADED -> "downloaded";
      case FOLDER -> "image folder";
    };
    return found.dir() + " (" + how + ")";
  }

  /** A byte count for people: {@code 26.4 MB}, {@code 5.1 kB}, {@code 312 B}. */
  static String size(long bytes) {
    if (bytes >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    if (bytes >= 1_000) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
    return bytes + " B";
  }
}

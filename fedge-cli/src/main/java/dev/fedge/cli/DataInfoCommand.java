package dev.fedge.cli;

import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.ImageFolderOptions;
import dev.fedge.data.LocatedDataset;
import dev.fedge.data.download.ProgressBar;
import dev.fedge.data.reid.ReidReaders;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedge data info NAME}: reads a data set and prints its sizes, image shape, normalisation,
 * classes and class counts.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Read a data set and show its sizes, image shape, classes and class counts.")
public final class DataInfoCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "NAME",
      description = "fashion-mnist, mnist, cifar10, cifar100 or folder:<path>.")
  String name;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data folder (default: ./data, or -Dfedge.data.dir).")
  Path dataDir;

  @Option(names = "--mirror", paramLabel = "URL",
      description = "Download from this mirror instead of the official sources.")
  String mirror;

  @Option(names = "--offline", description = "Never download.")
  boolean offline;

  @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "32",
      description = "For folder:<path>: resize images to PIXELS x PIXELS (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--grayscale", description = "For folder:<path>: one channel instead of RGB.")
  boolean grayscale;

  @Override
  protected int doCall() throws IOException {
    if (ReidReaders.isReid(name)) {
      out().println(DataFetchCommand.reid(name, dataDir).summary());
      return 0;
    }
    Datasets.checkName(name);
    LocatedDataset found =
        DataFetchCommand.locate(name, dataDir, mirror, offline, new ProgressBar(err()));
    DataSplit split = Datasets.read(found,
        ImageFolderOptions.DEFAULTS.withSize(size, size).withGrayscale(grayscale));
    print(out(), name, DataFetchCommand.describe(found), split);
    return 0;
  }

  /** Prints the summary of a data set. */
  static void print(PrintWriter out, String name, String where, DataSplit split) {
    ImageDataset train = split.train();
    ImageDataset test = split.test();
    out.println(name + ": " + where);
    out.printf(Locale.ROOT, "train %d images, test %d images, shape %dx%dx%d (CxHxW), %d classes%n",
        train.size(), test.size(), train.channels(), train.height(), train.width(),
        train.numClasses());
    out.println("normalisation: mean " + fmt(train.normalization().mean()) + " std "
        + fmt(train.normalization().std()));
    int w = 5;
    for (String c : train.classNames()) {
      w = Math.max(w, c.length());
    }
    w = Math.min(w, 30);
    int[] tr = train.classCounts();
    int[] te = test.classCounts();
    out.printf(Locale.ROOT, "%5s  %-" + w + "s %8s %8s%n", "label", "class", "train", "test");
    for (int k = 0; k < train.numClasses(); k++) {
      out.printf(Locale.ROOT, "%5d  %-" + w + "s %8d %8d%n", k, train.classNames().get(k), tr[k],
          te[k]);
    }
  }

  private static String fmt(float[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
    }
    return b.append(']').toString();
  }
}

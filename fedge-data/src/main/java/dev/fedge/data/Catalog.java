package dev.fedge.data;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** What fedge knows about each named data set: its files, where to get them, how to read them. */
final class Catalog {

  /** How a data set's files are laid out. */
  enum Layout {
    /** Four IDX files (train images, train labels, test images, test labels), gzipped or not. */
    IDX,
    /** CIFAR binary batches in an extracted folder, downloaded as one .tar.gz archive. */
    CIFAR
  }

  /**
   * One file that can be downloaded.
   *
   * @param fileName name of the file on the server and on disk
   * @param md5 expected MD5 (lower-case hex)
   * @param baseUrls official base URLs, tried in order; the file name is appended
   */
  record Remote(String fileName, String md5, List<String> baseUrls) {
    Remote {
      baseUrls = List.copyOf(baseUrls);
    }

    URI uri(String base) {
      return URI.create(base.endsWith("/") ? base + fileName : base + "/" + fileName);
    }
  }

  /**
   * A known data set.
   *
   * @param name its name, e.g. {@code "cifar10"}
   * @param layout how its files are laid out
   * @param files the files to read, in layout order: for IDX train-images, train-labels,
   *     t10k-images, t10k-labels (base names without .gz); for CIFAR the training batches then the
   *     test batch
   * @param folder for CIFAR, the folder inside the archive that holds the files
   * @param classNamesFile for CIFAR, the file with one class name a line (optional)
   * @param classNames default class names
   * @param normalization per-channel mean and std
   * @param remotes what to download
   * @param systemDirs folders where a system package installs the files (Debian)
   * @param hint what to put where, said when the data set is missing
   */
  record Entry(
      String name,
      Layout layout,
      List<String> files,
      String folder,
      String classNamesFile,
      List<String> classNames,
      Normalization normalization,
      List<Remote> remotes,
      List<String> systemDirs,
      String hint) {}

  static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  /** Data sets that a Debian package holds, and its name. */
  static final Map<String, String> DEBIAN_PACKAGES =
      Map.of("fashion-mnist", "dataset-fashion-mnist");

  private static final List<String> IDX_FILES =
      List.of(
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte");

  private static final List<String> FASHION_URLS =
      List.of(
          "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
          "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/");

  private static final List<String> MNIST_URLS =
      List.of(
          "https://ossci-datasets.s3.amazonaws.com/mnist/",
          "http://yann.lecun.com/exdb/mnist/");

  private static final List<String> CIFAR_URLS = List.of("https://www.cs.toronto.edu/~kriz/");

  static final Entry FASHION_MNIST =
      new Entry(
          "fashion-mnist",
          Layout.IDX,
          IDX_FILES,
          null,
          null,
          List.of(
              "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
              "Bag", "Ankle boot"),
          new Normalization(new float[] {0.2860f}, new float[] {0.3530f}),
          List.of(
              new Remote("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                  FASHION_URLS),
              new Remote("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                  FASHION_URLS),
              new Remote("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                  FASHION_URLS),
              new Remote("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310",
                  FASHION_URLS)),
          List.of(DEBIAN_FASHION_MNIST),
          "put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"
              + " and t10k-labels-idx1-ubyte.gz in %s (or apt install dataset-fashion-mnist)");

  static final Entry MNIST =
      new Entry(
          "mnist",
          Layout.IDX,
          IDX_FILES,
          null,
          null,
          List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
          new Normalization(new float[] {0.1307f}, new float[] {0.3081f}),
          List.of(
              new Remote("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                  MNIST_URLS),
              new Remote("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                  MNIST_URLS),
              new Remote("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                  MNIST_URLS),
              new Remote("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
                  MNIST_URLS)),
          List.of(),
          "put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"
              + " and t10k-labels-idx1-ubyte.gz in %s");

  static final Entry CIFAR10 =
      new Entry(
          "cifar10",
          Layout.CIFAR,
          List.of(
              "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
              "data_batch_5.bin", "test_batch.bin"),
          "cifar-10-batches-bin",
          "batches.meta.txt",
          List.of(
              "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
              "truck"),
          new Normalization(
              new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f}),
          List.of(
              new Remote("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
                  CIFAR_URLS)),
          List.of(),
          "put cifar-10-binary.tar.gz or its extracted cifar-10-batches-bin/ in %s");

  static final Entry CIFAR100 =
      new Entry(
          "cifar100",
          Layout.CIFAR,
          List.of("train.bin", "test.bin"),
          "cifar-100-binary",
          "fine_label_names.txt",
          numbered(100),
          new Normalization(
              new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f}),
          List.of(
              new Remote("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8",
                  CIFAR_URLS)),
          List.of(),
          "put cifar-100-binary.tar.gz or its extracted cifar-100-binary/ in %s");

  static final Map<String, Entry> ENTRIES =
      Map.of(
          FASHION_MNIST.name(), FASHION_MNIST,
          MNIST.name(), MNIST,
          CIFAR10.name(), CIFAR10,
          CIFAR100.name(), CIFAR100);

  /** The known names, for messages. */
  static final List<String> NAMES =
      List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "folder:<path>");

  /** Prefix of image-folder data set names. */
  static final String FOLDER_PREFIX = "folder:";

  private Catalog() {}

  /** The entry for a known name; an IllegalArgumentException listing the known names if none. */
  static Entry entry(String name) {
    Entry e = ENTRIES.get(name);
    if (e == null) {
      throw unknown(name);
    }
    return e;
  }

  static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "unknown data set '" + name + "': known names are " + String.join(", ", NAMES));
  }

  private static List<String> numbered(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "class" + i;
    }
    return List.of(names);
  }
}

package dev.fedge.server.sim;

import dev.fedge.data.DataSplit;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.partition.Partition;
import dev.fedge.data.reid.FashionReidProxy;
import dev.fedge.data.reid.ReidImageLoader;
import dev.fedge.data.reid.ReidImages;
import dev.fedge.data.reid.ReidPartitions;
import dev.fedge.data.reid.ReidSplit;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.ReidEvaluation;
import dev.fedge.ml.ReidNet;
import dev.fedge.server.report.SvgPlot;
import dev.fedge.server.store.MetricsCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The re-identification side of a simulation ({@code task=reid}): the splits, the embedding model,
 * the partition and the retrieval evaluation, on the real layouts of VeRi-776 and Market-1501
 * ({@code veri776}, {@code market1501}, optionally with an input size, {@code veri776:256x128};
 * decoded by {@link ReidImageLoader} from {@code data-dir} or {@code data-dir/<name>}, the
 * training split partitioned by camera or identity, evaluated on the real query and gallery) or
 * on the Fashion-MNIST proxy ({@link FashionReidProxy}, open-set retrieval). On the real layouts
 * {@code train-limit} caps the training images and {@code test-limit} the query and gallery
 * images together (CPU runs; the standard protocol applies to what is kept).
 *
 * <p>The proxy's settings: {@value #CAMERAS} cameras (more when there are more clients, so that
 * the {@code camera} partition has one per client), {@value #QUERY_FRACTION} of each held-out
 * class as queries, and embeddings of {@value #EMBEDDING_DIM} values (the BNNeck baseline's
 * 512). Cameras are drawn at random, so the {@code camera} partition is as IID as {@code iid}
 * here; {@code identity:N} and {@code dirichlet:A} give clients different identity sets.
 */
public final class ReidTask {

  /** Cameras of the proxy (at least one per client). */
  public static final int CAMERAS = FashionReidProxy.CAMERAS;

  /** Share of each held-out class that becomes queries. */
  public static final double QUERY_FRACTION = FashionReidProxy.QUERY_FRACTION;

  /** Embedding length. */
  public static final int EMBEDDING_DIM = 512;

  private final ReidImages train;
  private final ReidImages query;
  private final ReidImages gallery;
  private final int cameras;
  private final String source;

  private ReidTask(ReidImages train, ReidImages query, ReidImages gallery, int cameras,
      String source) {
    this.train = train;
    this.query = query;
    this.gallery = gallery;
    this.cameras = cameras;
    this.source = source;
  }

  /**
   * Whether a data set is a real re-identification layout (VeRi-776, Market-1501), not the proxy.
   *
   * @param dataset the data set setting
   * @return true for {@code veri776}, {@code market1501} (with or without {@code :HxW})
   */
  public static boolean real(String dataset) {
    return ReidImageLoader.isReal(dataset);
  }

  /**
   * The server's side of a real layout over the network: the query and gallery, decoded, and the
   * number of training identities (the identity head's rows), from the file lists only.
   *
   * @param query the queries
   * @param gallery the gallery
   * @param trainIdentities identities of the whole training split
   * @param description one line about them
   */
  public record Central(ReidImages query, ReidImages gallery, int trainIdentities,
      String description) {}

  /**
   * Reads a real layout for central evaluation.
   *
   * @param dataset {@code veri776}, {@code market1501}, optionally {@code :HxW}
   * @param dataDir the data folder ({@link ReidImageLoader#folder})
   * @param testLimit at most this many query and gallery images together ({@code 0}: all)
   * @return the query, gallery and head size
   * @throws IOException when files are missing (saying where to put them) or cannot be read
   */
  public static Central central(String dataset, Path dataDir, int testLimit) throws IOException {
    check(dataset);
    ReidImageLoader loader = ReidImageLoader.forSpec(dataset);
    String name = ReidImageLoader.baseName(dataset);
    Path dir = ReidImageLoader.folder(name, dataDir);
    dev.fedge.data.reid.ReidDataset d = dev.fedge.data.reid.ReidReaders.read(name, dir);
    List<ReidImages> qg = loader.queryAndGallery(d, testLimit);
    int ids = d.identities(ReidSplit.TRAIN);
    return new Central(qg.get(0), qg.get(1), ids, String.format(Locale.ROOT,
        "reid %s (%s): %d queries and %d gallery images%s, input %dx%d (height x width), "
        + "%d training identities (the devices train on their images)", name, dir,
        qg.get(0).size(), qg.get(1).size(), qg.get(0).size() + qg.get(1).size()
            < d.query().size() + d.gallery().size() ? " (of " + d.query().size() + " and "
            + d.gallery().size() + ", test-limit)" : "", loader.height(), loader.width(), ids));
  }

  /**
   * Checks that a real layout's files are there (a server's fail-fast check), without decoding.
   *
   * @param dataset {@code veri776}, {@code market1501}, optionally {@code :HxW}
   * @param dataDir the data folder
   * @throws IOException when files are missing (saying where to put them)
   */
  public static void checkAvailable(String dataset, Path dataDir) throws IOException {
    check(dataset);
    String name = ReidImageLoader.baseName(dataset);
    dev.fedge.data.reid.ReidReaders.read(name, ReidImageLoader.folder(name, dataDir));
  }

  /**
   * A real layout of a run: read from {@code data-dir} (or {@code data-dir/<name>}) and decoded.
   *
   * @param config the run (dataset, data-dir, train-limit, test-limit)
   * @return the task
   * @throws IOException when files are missing (saying where to put them) or cannot be read
   */
  static ReidTask loadReal(SimulationConfig config) throws IOException {
    check(config);
    ReidImageLoader.Loaded d = ReidImageLoader.load(config.dataset(), config.dataDir(),
        config.trainLimit(), config.testLimit());
    ReidImageLoader loader = ReidImageLoader.forSpec(config.dataset());
    int cams = d.data().cameras(ReidSplit.TRAIN);
    String text = String.format(Locale.ROOT, "reid %s (%s): %d training images of %d identities "
        + "from %d cameras%s, %d queries and %d gallery images%s, input %dx%d (height x width; "
        + "real re-ID uses 256x128)", ReidImageLoader.baseName(config.dataset()), d.dir(),
        d.train().size(), d.train().images().numClasses(), cams,
        d.train().size() < d.data().train().size()
            ? " (of " + d.data().train().size() + ", train-limit)" : "",
        d.query().size(), d.gallery().size(),
        d.query().size() + d.gallery().size() < d.data().query().size()
            + d.data().gallery().size() ? " (of " + d.data().query().size() + " and "
            + d.data().gallery().size() + ", test-limit)" : "",
        loader.height(), loader.width());
    return new ReidTask(d.train(), d.query(), d.gallery(), cams, text);
  }

  /**
   * The proxy of a run.
   *
   * @param config the run (dataset, clients, seed, train-limit, test-limit)
   * @param split the loaded data set
   * @return the task
   * @throws IllegalArgumentException for a data set the re-ID task cannot run on, in one line
   */
  static ReidTask load(SimulationConfig config, DataSplit split) {
    check(config);
    if (real(config.dataset())) {
      throw new IllegalArgumentException("task reid: " + config.dataset()
          + " is a real layout, loaded by loadReal");
    }
    ImageDataset test = config.testLimit() > 0 ? split.test().head(config.testLimit())
        : split.test();
    int cameras = Math.max(CAMERAS, config.clients());
    FashionReidProxy.Splits s = FashionReidProxy.build(new DataSplit(split.train(), test),
        cameras, QUERY_FRACTION, config.seed());
    ReidImages tr = s.train();
    int n = config.trainLimit() > 0 ? Math.min(config.trainLimit(), tr.size()) : tr.size();
    ReidImages kept = trainingIdentities(tr, n);
    return new ReidTask(kept, s.query(), s.gallery(), cameras, String.format(Locale.ROOT,
        "reid proxy (open-set retrieval, not re-identification): %d training images of "
        + "identities 0-%d, %d queries and %d gallery images of identities %d-9, %d random "
        + "cameras", kept.size(), FashionReidProxy.TRAIN_CLASSES - 1, s.query().size(),
        s.gallery().size(), FashionReidProxy.TRAIN_CLASSES, cameras));
  }

  /**
   * Checks, before any data is loaded, that the run's data set can be run as re-identification.
   *
   * @param config the run
   * @throws IllegalArgumentException in one line naming the data set
   */
  static void check(SimulationConfig config) {
    check(config.dataset());
  }

  /**
   * Checks that a data set can be run as re-identification.
   *
   * @param dataset the data set's name
   * @throws IllegalArgumentException in one line naming it
   */
  public static void check(String dataset) {
    if (real(dataset)) {
      ReidImageLoader.forSpec(dataset); // checks the input size
    } else if (!dataset.equals("fashion-mnist")) {
      throw new IllegalArgumentException("task reid: dataset '" + dataset
          + "' is not a re-identification data set; use veri776 or market1501 (their real "
          + "layouts in --data-dir, optionally veri776:256x128 for the input size) or "
          + "fashion-mnist, the open-set retrieval proxy (docs/REID.md)");
    }
  }

  /**
   * The first {@code n} training images relabelled as a data set of the training identities only
   * (classes 0-6), so that the classifier has one row per training identity.
   */
  private static ReidImages trainingIdentities(ReidImages tr, int n) {
    ImageDataset d = tr.images();
    int is = d.imageSize();
    byte[] px = new byte[n * is];
    int[] labels = Arrays.copyOf(tr.identities(), n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < is; j++) {
        px[i * is + j] = (byte) d.rawPixel(i, j);
      }
    }
    ImageDataset relabelled = new ImageDataset(d.name(), d.channels(), d.height(), d.width(),
        d.classNames().subList(0, FashionReidProxy.TRAIN_CLASSES), px, labels,
        d.normalization());
    return new ReidImages(relabelled, labels, Arrays.copyOf(tr.cameras(), n), ReidSplit.TRAIN);
  }

  /** The training images, labelled by identity. */
  ImageDataset train() {
    return train.images();
  }

  /**
   * The clients' shares of the training split.
   *
   * @param spec {@code camera}, {@code identity:N} or a label partition over identities
   * @param clients clients
   * @param seed seed
   * @return the partition
   */
  Partition partition(String spec, int clients, long seed) {
    return ReidPartitions.partition(spec, train, clients, seed);
  }

  /**
   * A runtime for the embedding model.
   *
   * @param backbone {@code cnn} or {@code resnet18}
   * @param seed seed of the initial model
   * @param threads PyTorch threads
   * @return the runtime
   */
  DjlRuntime runtime(String backbone, long seed, int threads) {
    ImageDataset d = train.images();
    return DjlRuntime.create(new ReidNet(backbone, d.channels(), d.height(), d.width(),
        d.numClasses(), EMBEDDING_DIM), seed, threads);
  }

  /** Retrieval on the proxy's query and gallery with a runtime's model. */
  ReidEvaluation evaluation(DjlRuntime runtime) {
    return new ReidEvaluation(runtime, query, gallery);
  }

  /** One line about the splits. */
  String describe() {
    return source;
  }

  /** The gallery images (what a re-ID run reports as its test images). */
  ImageDataset test() {
    return gallery.images();
  }

  /**
   * Writes a plot of rank-1, rank-5 and mAP per round.
   *
   * @param name the run name
   * @param dataset the data set setting: the title names it, or the proxy
   * @param rows the run's rows
   * @param file the SVG file
   * @throws IOException when it cannot be written
   */
  static void plot(String name, String dataset, List<MetricsCsv.Row> rows, Path file)
      throws IOException {
    String what = real(dataset) ? ReidImageLoader.baseName(dataset) : "the proxy's";
    double[] x = rows.stream().mapToDouble(MetricsCsv.Row::round).toArray();
    SvgPlot plot = new SvgPlot(name + ": retrieval on " + what + " query/gallery per round",
        "round", "fraction").yRange(0, 1);
    for (String k : List.of("rank1", "rank5", "mAP")) {
      plot.add(new SvgPlot.Series(k, x, rows.stream().mapToDouble(r -> r.reid(k)).toArray()));
    }
    plot.write(file);
  }
}

package dev.fedge.server.sim;

import dev.fedge.data.DataSplit;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.partition.Partition;
import dev.fedge.data.reid.FashionReidProxy;
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
 * the partition and the retrieval evaluation. Only the Fashion-MNIST proxy ({@link
 * FashionReidProxy}, open-set retrieval) can be run here: VeRi-776 and Market-1501 are read
 * ({@code fedge data info}) but their JPEGs are not decoded yet.
 *
 * <p>The proxy's settings: {@value #CAMERAS} cameras (more when there are more clients, so that
 * the {@code camera} partition has one per client), {@value #QUERY_FRACTION} of each held-out
 * class as queries, and embeddings of {@value #EMBEDDING_DIM} values (the BNNeck baseline's
 * 512). Cameras are drawn at random, so the {@code camera} partition is as IID as {@code iid}
 * here; {@code identity:N} and {@code dirichlet:A} give clients different identity sets.
 */
public final class ReidTask {

  /** Cameras of the proxy (at least one per client). */
  public static final int CAMERAS = 6;

  /** Share of each held-out class that becomes queries. */
  public static final double QUERY_FRACTION = 0.1;

  /** Embedding length. */
  public static final int EMBEDDING_DIM = 512;

  private final ReidImages train;
  private final ReidImages query;
  private final ReidImages gallery;
  private final int cameras;

  private ReidTask(ReidImages train, ReidImages query, ReidImages gallery, int cameras) {
    this.train = train;
    this.query = query;
    this.gallery = gallery;
    this.cameras = cameras;
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
    ImageDataset test = config.testLimit() > 0 ? split.test().head(config.testLimit())
        : split.test();
    int cameras = Math.max(CAMERAS, config.clients());
    FashionReidProxy.Splits s = FashionReidProxy.build(new DataSplit(split.train(), test),
        cameras, QUERY_FRACTION, config.seed());
    ReidImages tr = s.train();
    int n = config.trainLimit() > 0 ? Math.min(config.trainLimit(), tr.size()) : tr.size();
    return new ReidTask(trainingIdentities(tr, n), s.query(), s.gallery(), cameras);
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
    if (!dataset.equals("fashion-mnist")) {
      throw new IllegalArgumentException("task reid: dataset '" + dataset
          + "' cannot be trained on yet (VeRi-776 and Market-1501 are read but not decoded); "
          + "use --dataset fashion-mnist, the open-set retrieval proxy (docs/REID.md)");
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
    return String.format(Locale.ROOT, "reid proxy (open-set retrieval, not re-identification): "
        + "%d training images of identities 0-%d, %d queries and %d gallery images of "
        + "identities %d-9, %d random cameras", train.size(), FashionReidProxy.TRAIN_CLASSES - 1,
        query.size(), gallery.size(), FashionReidProxy.TRAIN_CLASSES, cameras);
  }

  /**
   * Writes a plot of rank-1, rank-5 and mAP per round.
   *
   * @param name the run name
   * @param rows the run's rows
   * @param file the SVG file
   * @throws IOException when it cannot be written
   */
  static void plot(String name, List<MetricsCsv.Row> rows, Path file) throws IOException {
    double[] x = rows.stream().mapToDouble(MetricsCsv.Row::round).toArray();
    SvgPlot plot = new SvgPlot(name + ": retrieval on the proxy's query/gallery per round",
        "round", "fraction").yRange(0, 1);
    for (String k : List.of("rank1", "rank5", "mAP")) {
      plot.add(new SvgPlot.Series(k, x, rows.stream().mapToDouble(r -> r.reid(k)).toArray()));
    }
    plot.write(file);
  }
}

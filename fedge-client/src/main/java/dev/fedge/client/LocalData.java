package dev.fedge.client;

import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.partition.Partition;
import dev.fedge.data.partition.Partitioner;
import dev.fedge.data.reid.FashionReidProxy;
import dev.fedge.data.reid.ReidDataset;
import dev.fedge.data.reid.ReidImageLoader;
import dev.fedge.data.reid.ReidImages;
import dev.fedge.data.reid.ReidPartitions;
import dev.fedge.data.reid.ReidReaders;
import dev.fedge.data.reid.ReidSample;
import dev.fedge.data.reid.ReidSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The data a client trains and evaluates on: a data set by name, a folder of the device's own
 * images ({@code folder:PATH}), or, for demos, one client's part of a partitioned data set ({@code
 * --partition shards:2 --client-index 3 --of 10}, the same split {@code simulate} makes for the
 * same seed).
 *
 * @param train the images to train on
 * @param test the images to evaluate on (may be empty)
 * @param clientIndex the client's index in its partition (0 without one), part of its shuffling
 *     seed
 * @param description what was loaded, for the log
 * @param retrieval on a real re-identification layout, the device's own query and gallery (null
 *     when it has none, and for other data sets: see {@link #retrievalFor})
 */
public record LocalData(ImageDataset train, ImageDataset test, int clientIndex, String description,
    Retrieval retrieval) {

  /**
   * A device's own query and gallery for retrieval evaluation in a re-identification run.
   *
   * @param query the device's queries
   * @param gallery the device's gallery
   * @param description what they are, for the log
   */
  public record Retrieval(ReidImages query, ReidImages gallery, String description) {

    /** Checks that the splits are a query and a gallery. */
    public Retrieval {
      if (query.split() != ReidSplit.QUERY || gallery.split() != ReidSplit.GALLERY) {
        throw new IllegalArgumentException("retrieval: expected a query and a gallery split, got "
            + query.split() + " and " + gallery.split());
      }
    }
  }

  /**
   * Data without a re-identification query and gallery of its own.
   *
   * @param train the images to train on
   * @param test the images to evaluate on (may be empty)
   * @param clientIndex the client's index in its partition
   * @param description what was loaded, for the log
   */
  public LocalData(ImageDataset train, ImageDataset test, int clientIndex, String description) {
    this(train, test, clientIndex, description, null);
  }

  /**
   * The device's query and gallery for a re-identification run's evaluate tasks: on a real layout
   * its share of the layout's query and gallery (loaded with the data, null when the share has no
   * valid query); otherwise, when the test images are Fashion-MNIST's ten classes, the open-set
   * proxy built from them ({@link FashionReidProxy}: queries and gallery of classes 7-9, {@value
   * FashionReidProxy#CAMERAS} random cameras drawn from {@code seed} and the client index).
   *
   * @param seed the run's seed
   * @return the query and gallery, or empty when the device has none
   */
  public java.util.Optional<Retrieval> retrievalFor(long seed) {
    if (retrieval != null) {
      return java.util.Optional.of(retrieval);
    }
    if (test.size() == 0 || test.numClasses() != 10) {
      return java.util.Optional.empty();
    }
    FashionReidProxy.Splits s;
    try {
      s = FashionReidProxy.build(new DataSplit(test, test), FashionReidProxy.CAMERAS,
          FashionReidProxy.QUERY_FRACTION, seed * 31 + clientIndex);
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty(); // too few images of classes 7-9 for a query
    }
    return java.util.Optional.of(new Retrieval(s.query(), s.gallery(), String.format(
        java.util.Locale.ROOT, "the proxy's %d queries and %d gallery images of classes 7-9 of "
            + "this device's %d test images", s.query().size(), s.gallery().size(),
        test.size())));
  }

  /**
   * What to load.
   *
   * @param dataset a data set name or {@code folder:PATH}
   * @param dataDir where data sets are looked for and downloaded to
   * @param partition {@code iid}, {@code dirichlet:A} or {@code shards:K}, or null for all data
   * @param clientIndex this client's part, in [0, of) (with a partition)
   * @param of number of parts (with a partition)
   * @param seed the partition's seed (the same on every client)
   * @param trainLimit use only the first N training images before partitioning (0 = all)
   * @param testLimit evaluate on at most N test images (0 = all)
   */
  public record Spec(
      String dataset, Path dataDir, String partition, Integer clientIndex, Integer of, long seed,
      int trainLimit, int testLimit) {

    /** Validates the combination of options; messages name the options. */
    public Spec {
      if (dataset == null || dataset.isBlank()) {
        throw new IllegalArgumentException("--dataset must be given");
      }
      if (partition != null) {
        if (!ReidImageLoader.isReal(dataset)) {
          Partitioner.parse(partition); // re-ID partitions (camera, ...) are checked on loading
        }
        if (clientIndex == null || of == null) {
          throw new IllegalArgumentException(
              "--partition " + partition + " needs --client-index and --of");
        }
        if (of < 1) {
          throw new IllegalArgumentException("--of must be >= 1, got " + of);
        }
        if (clientIndex < 0 || clientIndex >= of) {
          throw new IllegalArgumentException(
              "--client-index must be in [0, " + of + "), got " + clientIndex);
        }
      } else if (clientIndex != null || of != null) {
        throw new IllegalArgumentException("--client-index and --of need --partition");
      }
      if (trainLimit < 0 || testLimit < 0) {
        throw new IllegalArgumentException(
            "--train-limit and --test-limit must be >= 0, got " + trainLimit + " and "
                + testLimit);
      }
    }
  }

  /**
   * Loads the data.
   *
   * @param spec what to load
   * @return the client's data
   * @throws IOException when the data set cannot be read
   * @throws IllegalArgumentException for a bad name, partition or index
   */
  public static LocalData load(Spec spec) throws IOException {
    if (ReidImageLoader.isReal(spec.dataset())) {
      return reid(spec);
    }
    DataSplit split = Datasets.load(spec.dataset(), spec.dataDir());
    ImageDataset train = spec.trainLimit() > 0 ? split.train().head(spec.trainLimit())
        : split.train();
    ImageDataset test = spec.testLimit() > 0 ? split.test().head(spec.testLimit())
        : split.test();
    if (spec.partition() == null) {
      return new LocalData(train, test, 0, spec.dataset() + ": " + train.size()
          + " training and " + test.size() + " test images");
    }
    if (spec.of() > train.size()) {
      throw new IllegalArgumentException("--of " + spec.of() + " is more than the "
          + train.size() + " training images of " + spec.dataset());
    }
    Partition partition = Partitioner.parse(spec.partition())
        .partition(train.labels(), train.numClasses(), spec.of(), spec.seed());
    int i = spec.clientIndex();
    ImageDataset mine = train.subset(train.name() + "/client-" + i, partition.indices(i));
    return new LocalData(mine, test, i, spec.dataset() + " " + spec.partition() + " part " + i
        + " of " + spec.of() + ": " + mine.size() + " training images (" + partition.renderLine(i)
        + "), " + test.size() + " test images");
  }

  /**
   * A device's share of a real re-identification layout ({@code veri776}, {@code market1501},
   * optionally {@code :HxW}) in {@code data-dir} or {@code data-dir/<name>}: the training images
   * (capped by {@code train-limit}, each camera's share), split by {@code camera}, {@code
   * identity:N} or a label partition over identities before anything is decoded, and decoded at
   * the input size; identities are numbered over the whole training split, as the server's
   * identity head is. The device's share of the query and gallery ({@link
   * ReidPartitions#evaluationShare}: its cameras' images with {@code camera}, else a share of the
   * test identities; capped by {@code test-limit}) is decoded for its own retrieval evaluation
   * when it has a valid query; there are no test images.
   */
  private static LocalData reid(Spec spec) throws IOException {
    String name = ReidImageLoader.baseName(spec.dataset());
    Path dir = ReidImageLoader.folder(name, spec.dataDir());
    ReidImageLoader loader = ReidImageLoader.forSpec(spec.dataset());
    ReidDataset d = ReidReaders.read(name, dir);
    List<ReidSample> all = ReidImageLoader.byCamera(d.train(), spec.trainLimit());
    List<ReidSample> mine = all;
    int i = 0;
    int of = 1;
    String part = "";
    if (spec.partition() != null) {
      Partition p = ReidPartitions.partition(spec.partition(), ReidImageLoader.undecoded(d, all),
          spec.of(), spec.seed());
      i = spec.clientIndex();
      of = spec.of();
      mine = new ArrayList<>();
      for (int k : p.indices(i)) {
        mine.add(all.get(k));
      }
      part = " " + spec.partition() + " part " + i + " of " + spec.of();
    }
    ReidImages train = loader.trainPart(d, mine);
    TreeSet<Integer> cams = new TreeSet<>();
    TreeSet<Integer> ids = new TreeSet<>();
    mine.forEach(x -> {
      cams.add(x.camera());
      ids.add(x.identity());
    });
    ReidPartitions.EvaluationShare share = ReidImageLoader.capped(ReidPartitions.evaluationShare(
        spec.partition(), d.query(), d.gallery(), cams, i, of), spec.testLimit());
    Retrieval retrieval = null;
    String eval;
    if (share.validQueries() == 0) {
      eval = "no retrieval evaluation here (" + share.rule() + ": " + share.query().size()
          + " queries, none with a gallery match from another camera)";
    } else {
      List<ReidImages> qg = loader.queryAndGallery(d, share.query(), share.gallery(), 0);
      eval = String.format(java.util.Locale.ROOT, "evaluates on %d queries and %d gallery images "
          + "(%s)", qg.get(0).size(), qg.get(1).size(), share.rule());
      retrieval = new Retrieval(qg.get(0), qg.get(1), eval);
    }
    return new LocalData(train.images(), train.images().head(0), i, String.format(
        java.util.Locale.ROOT, "%s (%s)%s: %d training images of %d identities (of %d) from "
            + "cameras %s, input %dx%d; %s", name, dir, part,
        mine.size(), ids.size(), train.images().numClasses(), cams, loader.height(),
        loader.width(), eval), retrieval);
  }
}

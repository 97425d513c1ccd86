package dev.fedge.data.reid;

import dev.fedge.data.ImageDataset;
import dev.fedge.data.ImageFolderOptions;
import dev.fedge.data.ImageFolderReader;
import dev.fedge.data.Normalization;
import dev.fedge.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decodes the images of a {@link ReidDataset} split into {@link ReidImages}: each JPEG is read
 * with {@code javax.imageio} and resized (bilinear) by {@link ImageFolderReader#decodeImage} to
 * {@code height x width}, RGB, and normalised with the ImageNet mean and std ({@link #IMAGENET}),
 * as re-identification models usually are.
 *
 * <p>Real re-identification uses 256x128 (height x width); on a CPU {@link #CPU_HEIGHT}x{@link
 * #CPU_WIDTH} is the default. The training split's identities are relabelled to {@code 0..N-1} in
 * the order of the raw ids (the class names keep the raw ids, e.g. {@code "0001"}), so that the
 * classifier has one row per training identity; query and gallery keep the raw ids (Market-1501's
 * distractors, id {@code 0}, included), which is what the evaluation compares.
 *
 * <p>A cap on images per split ({@code maxImages}, {@code 0}: all) makes CPU runs short: the
 * training split keeps each camera's share, evenly spaced within the camera (so every camera
 * and most identities stay; the count may differ from the cap by a few, rounding per camera);
 * the query and gallery keep whole identities, evenly spaced over the query's identities, with all their
 * query and gallery images, and fill what is left of the gallery's share with evenly spaced other
 * gallery images (non-matches). Figures on a capped split are not comparable with published ones.
 *
 * <p>Decoded pixels are cached in {@link #CACHE_DIR} in the data set's folder, one file per
 * decoded list of images and size, keyed by the images' paths, sizes and modification times (a
 * changed image is decoded again); where the folder is not writable there is no cache. Old cache
 * files are not removed.
 */
public final class ReidImageLoader {

  /** Default input height on a CPU (real re-identification: 256). */
  public static final int CPU_HEIGHT = 64;

  /** Default input width on a CPU (real re-identification: 128). */
  public static final int CPU_WIDTH = 32;

  /** The folder in a data set's folder that holds decoded images, {@code <split>-HxW-<hash>.rgb}. */
  public static final String CACHE_DIR = ".fedge-cache";

  /** The ImageNet mean and std per RGB channel. */
  public static final Normalization IMAGENET = new Normalization(
      new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  private final int height;
  private final int width;

  /**
   * A loader for one input size.
   *
   * @param height rows after resizing, > 0
   * @param width columns after resizing, > 0
   */
  public ReidImageLoader(int height, int width) {
    if (height < 1 || width < 1 || (long) height * width > 4096L * 4096) {
      throw new IllegalArgumentException(
          "reid input size must be between 1x1 and 4096x4096 (height x width), got " + height
              + "x" + width);
    }
    this.height = height;
    this.width = width;
  }

  /** A loader for the CPU default, {@value #CPU_HEIGHT}x{@value #CPU_WIDTH}. */
  public static ReidImageLoader cpuDefault() {
    return new ReidImageLoader(CPU_HEIGHT, CPU_WIDTH);
  }

  /**
   * Parses an input size {@code HxW}, e.g. {@code 256x128}.
   *
   * @param text the size
   * @return the loader
   * @throws IllegalArgumentException in one line naming the text
   */
  public static ReidImageLoader parse(String text) {
    String[] p = text.strip().toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        return new ReidImageLoader(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        "reid input size: expected HEIGHTxWIDTH, e.g. 256x128, got '" + text + "'");
  }

  /**
   * Whether a data set spec names a real re-identification layout: {@code veri776} or {@code
   * market1501}, optionally with an input size, {@code veri776:256x128}.
   *
   * @param spec the data set setting
   * @return true for a real layout
   */
  public static boolean isReal(String spec) {
    return ReidReaders.isReid(baseName(spec));
  }

  /**
   * The data set name of a spec, without its input size: {@code veri776:256x128} gives {@code
   * veri776}.
   *
   * @param spec the data set setting
   * @return the name
   */
  public static String baseName(String spec) {
    int colon = spec.indexOf(':');
    return colon < 0 ? spec : spec.substring(0, colon);
  }

  /**
   * The loader of a spec: its input size, or the CPU default when it gives none.
   *
   * @param spec {@code veri776}, {@code veri776:HxW}, {@code market1501}, ...
   * @return the loader
   * @throws IllegalArgumentException in one line for a bad size or a name that is not a layout
   */
  public static ReidImageLoader forSpec(String spec) {
    if (!isReal(spec)) {
      throw new IllegalArgumentException("not a re-identification layout: '" + spec
          + "' (known: veri776, market1501, optionally :HEIGHTxWIDTH, e.g. veri776:256x128)");
    }
    int colon = spec.indexOf(':');
    return colon < 0 ? cpuDefault() : parse(spec.substring(colon + 1));
  }

  /**
   * The folder that holds a layout: {@code dataDir} itself when it has the layout's files, else
   * {@code dataDir/<name>} (where {@code fedge data fetch} says to put them).
   *
   * @param name {@code veri776} or {@code market1501}
   * @param dataDir the data folder
   * @return the folder
   */
  public static Path folder(String name, Path dataDir) {
    return ReidReaders.missing(name, dataDir).isEmpty() ? dataDir : dataDir.resolve(name);
  }

  /**
   * Reads and decodes a layout for training and evaluation.
   *
   * @param spec the data set spec ({@link #forSpec})
   * @param dataDir the data folder ({@link #folder})
   * @param maxTrain at most this many training images ({@code 0}: all)
   * @param maxEval at most this many query and gallery images together ({@code 0}: all)
   * @return train, query and gallery
   * @throws dev.fedge.data.DatasetUnavailableException when files are missing, saying where to
   *     put them
   * @throws IOException when a file cannot be read
   */
  public static Loaded load(String spec, Path dataDir, int maxTrain, int maxEval)
      throws IOException {
    ReidImageLoader loader = forSpec(spec);
    String name = baseName(spec);
    Path dir = folder(name, dataDir);
    ReidDataset data = ReidReaders.read(name, dir);
    List<ReidImages> qg = loader.queryAndGallery(data, maxEval);
    return new Loaded(data, dir, loader.train(data, maxTrain), qg.get(0), qg.get(1));
  }

  /**
   * A decoded layout.
   *
   * @param data the file lists read
   * @param dir the folder they were read from
   * @param train the training images, dense identities
   * @param query the queries, raw identities
   * @param gallery the gallery, raw identities
   */
  public record Loaded(ReidDataset data, Path dir, ReidImages train,
      ReidImages query, ReidImages gallery) {}

  /** Rows after resizing. */
  public int height() {
    return height;
  }

  /** Columns after resizing. */
  public int width() {
    return width;
  }

  /**
   * The training split, decoded, identities relabelled {@code 0..N-1}.
   *
   * @param data the data set
   * @param maxImages at most this many images ({@code 0}: all)
   * @return the images; their labels and identities are the dense training identities
   * @throws dev.fedge.data.DataFormatException naming the file when an image cannot be decoded
   * @throws IOException when a file cannot be read
   */
  public ReidImages train(ReidDataset data, int maxImages) throws IOException {
    List<ReidSample> s = byCamera(data.train(), maxImages);
    TreeSet<Integer> raw = new TreeSet<>();
    s.forEach(x -> raw.add(x.identity()));
    return decode(data.name() + "/train", s, raw, true, ReidSplit.TRAIN);
  }

  /**
   * Some training samples, decoded, with identities dense over the whole training split of {@code
   * data} (the raw training ids in order), so that every device and the server agree on the
   * identity head's rows: a device's share of the training split over the network.
   *
   * @param data the data set
   * @param part the samples to decode, from {@code data.train()}
   * @return the images; their labels and identities are dense over all training identities
   * @throws dev.fedge.data.DataFormatException naming the file when an image cannot be decoded
   * @throws IOException when a file cannot be read
   */
  public ReidImages trainPart(ReidDataset data, List<ReidSample> part) throws IOException {
    return decode(data.name() + "/train", part, trainIdentities(data), true, ReidSplit.TRAIN);
  }

  /** The raw identities of a data set's training split, in order. */
  static TreeSet<Integer> trainIdentities(ReidDataset data) {
    TreeSet<Integer> raw = new TreeSet<>();
    data.train().forEach(x -> raw.add(x.identity()));
    return raw;
  }

  /**
   * The training split's identities and cameras without its pixels (1x1 blank images), with
   * identities dense over the whole training split: enough for {@link ReidPartitions} to split
   * the file list before anything is decoded.
   *
   * @param data the data set
   * @param samples samples of {@code data.train()}
   * @return blank images with the samples' dense identities and cameras
   */
  public static ReidImages undecoded(ReidDataset data, List<ReidSample> samples) {
    List<Integer> ids = new ArrayList<>(trainIdentities(data));
    TreeMap<Integer, Integer> index = new TreeMap<>();
    List<String> names = new ArrayList<>();
    for (int k = 0; k < ids.size(); k++) {
      index.put(ids.get(k), k);
      names.add(String.format(Locale.ROOT, "%04d", ids.get(k)));
    }
    int[] labels = new int[samples.size()];
    int[] cameras = new int[samples.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = index.get(samples.get(i).identity());
      cameras[i] = samples.get(i).camera();
    }
    return new ReidImages(new ImageDataset(data.name() + "/train", 1, 1, 1, names,
        new byte[labels.length], labels, Normalization.unit(1)), labels, cameras,
        ReidSplit.TRAIN);
  }

  /**
   * The query and the gallery, decoded, with their raw identities.
   *
   * @param data the data set
   * @param maxImages at most this many query and gallery images together ({@code 0}: all)
   * @return query (index 0) and gallery (index 1)
   * @throws dev.fedge.data.DataFormatException naming the file when an image cannot be decoded
   * @throws IOException when a file cannot be read
   */
  public List<ReidImages> queryAndGallery(ReidDataset data, int maxImages) throws IOException {
    return queryAndGallery(data, data.query(), data.gallery(), maxImages);
  }

  /**
   * Some of the query and the gallery (a device's share), decoded, with their raw identities,
   * capped as {@link #queryAndGallery(ReidDataset, int)} caps the whole splits.
   *
   * @param data the data set
   * @param query queries of {@code data}
   * @param gallery gallery images of {@code data}
   * @param maxImages at most this many query and gallery images together ({@code 0}: all)
   * @return query (index 0) and gallery (index 1)
   * @throws dev.fedge.data.DataFormatException naming the file when an image cannot be decoded
   * @throws IOException when a file cannot be read
   */
  public List<ReidImages> queryAndGallery(ReidDataset data, List<ReidSample> query,
      List<ReidSample> gallery, int maxImages) throws IOException {
    List<ReidSample> q = query;
    List<ReidSample> g = gallery;
    if (maxImages > 0 && q.size() + g.size() > maxImages) {
      List<List<ReidSample>> capped = capEvaluation(q, g, maxImages);
      q = capped.get(0);
      g = capped.get(1);
    }
    TreeSet<Integer> qIds = new TreeSet<>();
    q.forEach(x -> qIds.add(x.identity()));
    TreeSet<Integer> gIds = new TreeSet<>();
    g.forEach(x -> gIds.add(x.identity()));
    return List.of(decode(data.name() + "/query", q, qIds, false, ReidSplit.QUERY),
        decode(data.name() + "/gallery", g, gIds, false, ReidSplit.GALLERY));
  }

  /**
   * A device's evaluation share capped as {@link #queryAndGallery(ReidDataset, List, List, int)}
   * caps it, before anything is decoded, so that its valid queries can be counted after the cap.
   *
   * @param share the share
   * @param maxImages at most this many query and gallery images together ({@code 0}: all)
   * @return the share itself when it fits, else the capped share, its rule naming the cap
   */
  public static ReidPartitions.EvaluationShare capped(
      ReidPartitions.EvaluationShare share, int maxImages) {
    if (maxImages <= 0 || share.query().size() + share.gallery().size() <= maxImages) {
      return share;
    }
    List<List<ReidSample>> c = capEvaluation(share.query(), share.gallery(), maxImages);
    return new ReidPartitions.EvaluationShare(c.get(0), c.get(1),
        share.rule() + ", test-limit " + maxImages);
  }

  /** Evenly spaced samples, at most {@code max} ({@code 0}: all). */
  static List<ReidSample> spaced(List<ReidSample> all, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max images must be >= 0, got " + max);
    }
    if (max == 0 || all.size() <= max) {
      return all;
    }
    List<ReidSample> out = new ArrayList<>(max);
    for (int k = 0; k < max; k++) {
      out.add(all.get((int) ((long) k * all.size() / max)));
    }
    return out;
  }

  /**
   * At most {@code max} samples ({@code 0}: all): each camera's share, evenly spaced within the
   * camera (at least one image per camera), in the original order.
   */
  public static List<ReidSample> byCamera(List<ReidSample> all, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max images must be >= 0, got " + max);
    }
    if (max == 0 || all.size() <= max) {
      return all;
    }
    TreeMap<Integer, List<Integer>> byCam = new TreeMap<>();
    for (int i = 0; i < all.size(); i++) {
      byCam.computeIfAbsent(all.get(i).camera(), k -> new ArrayList<>()).add(i);
    }
    TreeSet<Integer> keep = new TreeSet<>();
    int ci = 0;
    for (List<Integer> idx : byCam.values()) {
      int quota = Math.max(1, (int) Math.round((double) max * idx.size() / all.size()));
      quota = Math.min(quota, idx.size());
      // each camera starts at another offset, so the cameras keep different identities
      double shift = (double) ci++ / byCam.size();
      for (int k = 0; k < quota; k++) {
        keep.add(idx.get(Math.min(idx.size() - 1,
            (int) Math.floor((k + shift) * idx.size() / quota))));
      }
    }
    List<ReidSample> out = new ArrayList<>(keep.size());
    keep.forEach(i -> out.add(all.get(i)));
    return out;
  }

  /** Whole query identities, evenly spaced, then other gallery images, within the cap. */
  private static List<List<ReidSample>> capEvaluation(
      List<ReidSample> query, List<ReidSample> gallery, int max) {
    TreeMap<Integer, List<ReidSample>> qBy = new TreeMap<>();
    query.forEach(x -> qBy.computeIfAbsent(x.identity(), k -> new ArrayList<>()).add(x));
    TreeMap<Integer, List<ReidSample>> gBy = new TreeMap<>();
    gallery.forEach(x -> gBy.computeIfAbsent(x.identity(), k -> new ArrayList<>()).add(x));
    List<Integer> ids = new ArrayList<>(qBy.keySet());
    // identities in an evenly spread order: a stride through the sorted ids, repeated
    int stride = Math.max(1, (int) Math.round(
        (double) (query.size() + gallery.size()) / Math.max(1, max)));
    List<Integer> order = new ArrayList<>();
    for (int start = 0; start < stride; start++) {
      for (int i = start; i < ids.size(); i += stride) {
        order.add(ids.get(i));
      }
    }
    List<ReidSample> q = new ArrayList<>();
    List<ReidSample> g = new ArrayList<>();
    TreeSet<Integer> kept = new TreeSet<>();
    int budget = max * 3 / 4; // a quarter is left for non-matching gallery images
    for (int id : order) {
      List<ReidSample> gm = gBy.getOrDefault(id, List.of());
      int need = qBy.get(id).size() + gm.size();
      if (!kept.isEmpty() && q.size() + g.size() + need > budget) {
        continue;
      }
      q.addAll(qBy.get(id));
      g.addAll(gm);
      kept.add(id);
    }
    List<ReidSample> others = new ArrayList<>();
    gallery.stream().filter(x -> !kept.contains(x.identity())).forEach(others::add);
    int room = Math.max(0, max - q.size() - g.size());
    if (room > 0) { // spaced(others, 0) would be all of them
      g.addAll(spaced(others, Math.min(room, others.size())));
    }
    return List.of(q, g);
  }

  private ReidImages decode(String name, List<ReidSample> samples, TreeSet<Integer> rawIds,
      boolean dense, ReidSplit split) throws IOException {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException(name + ": no images to decode");
    }
    ImageFolderOptions options = new ImageFolderOptions(width, height, false, 0, 0);
    List<Integer> idList = new ArrayList<>(rawIds);
    List<String> classNames = new ArrayList<>(idList.size());
    idList.forEach(id -> classNames.add(String.format(Locale.ROOT, "%04d", id)));
    TreeMap<Integer, Integer> index = new TreeMap<>();
    for (int k = 0; k < idList.size(); k++) {
      index.put(idList.get(k), k);
    }
    int size = 3 * height * width;
    Path cached = cacheFile(name, samples);
    byte[] pixels = readCache(cached, (long) samples.size() * size);
    boolean hit = pixels != null;
    if (!hit) {
      pixels = new byte[samples.size() * size];
    }
    int[] labels = new int[samples.size()];
    int[] identities = new int[samples.size()];
    int[] cameras = new int[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      ReidSample s = samples.get(i);
      if (!hit) {
        byte[] px = ImageFolderReader.decodeImage(s.image(), options);
        System.arraycopy(px, 0, pixels, i * size, size);
      }
      labels[i] = index.get(s.identity());
      identities[i] = dense ? labels[i] : s.identity();
      cameras[i] = s.camera();
    }
    if (!hit) {
      writeCache(cached, pixels);
    }
    ImageDataset images = new ImageDataset(name, 3, height, width, classNames, pixels, labels,
        IMAGENET);
    return new ReidImages(images, identities, cameras, split);
  }

  /**
   * The cache file of a list of images: {@code .fedge-cache/} in the data set's folder (the
   * parent of the images' folder), named by the split, the size and a SHA-256 of the images'
   * paths, sizes and modification times, so that a changed, added or removed image gives another
   * file.
   */
  Path cacheFile(String name, List<ReidSample> samples) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    sha.update((height + "x" + width + "\n").getBytes(StandardCharsets.UTF_8));
    for (ReidSample s : samples) {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(s.image(), BasicFileAttributes.class);
      } catch (IOException e) {
        throw new DataFormatException(s.image().toString(), "cannot be read: " + e);
      }
      sha.update((s.image().toAbsolutePath() + "\t" + a.size() + "\t"
          + a.lastModifiedTime().toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String hex = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    Path images = samples.get(0).image().toAbsolutePath().getParent();
    Path dataDir = images.getParent() != null ? images.getParent() : images;
    String split = name.substring(name.lastIndexOf('/') + 1);
    return dataDir.resolve(CACHE_DIR).resolve(
        split + "-" + height + "x" + width + "-" + hex + ".rgb");
  }

  /** The cached pixels, or null when there is no usable cache file. */
  private static byte[] readCache(Path file, long expected) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) == expected) {
        return Files.readAllBytes(file);
      }
    } catch (IOException e) {
      // an unreadable cache is decoded again
    }
    return null;
  }

  /** Writes the cache, quietly doing without it where the data folder is not writable. */
  private static void writeCache(Path file, byte[] pixels) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, pixels);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // read-only data: no cache
    }
  }
}

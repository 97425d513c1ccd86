package dev.fedge.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a folder of images, one sub-folder per class: {@code root/<class>/*.{jpg,jpeg,png}}, class
 * names sorted, or {@code root/train/<class>/...} and {@code root/test/<class>/...}. Without
 * {@code train/} and {@code test/} each class is split by a seeded shuffle (default 80/20). Images
 * are decoded with {@code javax.imageio}, resized (bilinear) to the given size, and kept as RGB or
 * grayscale; the normalisation is computed from the training images.
 */
public final class ImageFolderReader {

  private ImageFolderReader() {}

  /**
   * Reads a folder.
   *
   * @param name data set name, e.g. {@code "folder:photos"}; parts are named {@code name/train}
   *     and {@code name/test}
   * @param root the folder
   * @param options size, colour and split
   * @return training and test parts
   * @throws DataFormatException naming the file when an image cannot be decoded, or the folder
   *     when it has no class folders with images
   * @throws IOException when a file cannot be read
   */
  public static DataSplit read(String name, Path root, ImageFolderOptions options)
      throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(name + ": " + root + " is not a folder");
    }
    Path trainDir = root.resolve("train");
    Path testDir = root.resolve("test");
    List<String> classes;
    List<Item> train = new ArrayList<>();
    List<Item> test = new ArrayList<>();
    if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
      classes = classFolders(trainDir);
      if (classes.isEmpty()) {
        throw new DataFormatException(trainDir.toString(), "no class folders with images");
      }
      for (int c = 0; c < classes.size(); c++) {
        for (Path p : images(trainDir.resolve(classes.get(c)))) {
          train.add(new Item(p, c));
        }
      }
      for (String cls : classFolders(testDir)) {
        int c = classes.indexOf(cls);
        if (c < 0) {
          throw new DataFormatException(
              testDir.resolve(cls).toString(), "class '" + cls + "' is not in " + trainDir);
        }
        for (Path p : images(testDir.resolve(cls))) {
          test.add(new Item(p, c));
        }
      }
    } else {
      classes = classFolders(root);
      if (classes.isEmpty()) {
        throw new DataFormatException(
            root.toString(), "no class folders with .jpg/.jpeg/.png images");
      }
      Random rnd = new Random(options.seed());
      for (int c = 0; c < classes.size(); c++) {
        List<Path> files = images(root.resolve(classes.get(c)));
        Collections.shuffle(files, rnd);
        int nTest = (int) Math.floor(files.size() * options.testFraction());
        for (int i = 0; i < files.size(); i++) {
          (i < nTest ? test : train).add(new Item(files.get(i), c));
        }
      }
    }
    if (train.isEmpty()) {
      throw new DataFormatException(root.toString(), "no training images");
    }
    Decoded tr = decode(train, options);
    Decoded te = decode(test, options);
    Normalization norm = normalizationOf(tr.pixels, options.channels(), train.size(),
        options.width() * options.height());
    int ch = options.channels();
    return new DataSplit(
        new ImageDataset(name + "/train", ch, options.height(), options.width(), classes,
            tr.pixels, tr.labels, norm),
        new ImageDataset(name + "/test", ch, options.height(), options.width(), classes,
            te.pixels, te.labels, norm));
  }

  /**
   * Decodes one image file and resizes it.
   *
   * @param file a JPEG or PNG file
   * @param options size and colour
   * @return {@code channels * height * width} raw pixels, CHW
   * @throws DataFormatException when the file is not a readable image
   * @throws IOException when the file cannot be read
   */
  public static byte[] decodeImage(Path file, ImageFolderOptions options) throws IOException {
    BufferedImage src;
    try {
      src = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file.toString(), "corrupt image: " + e.getMessage(), e);
    }
    if (src == null) {
      throw new DataFormatException(file.toString(), "not a readable JPEG or PNG image");
    }
    int w = options.width();
    int h = options.height();
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    int plane = w * h;
    byte[] out = new byte[options.channels() * plane];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = dst.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int gg = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int k = y * w + x;
        if (options.grayscale()) {
          out[k] = (byte) Math.round(0.299 * r + 0.587 * gg + 0.114 * b);
        } else {
          out[k] = (byte) r;
          out[plane + k] = (byte) gg;
          out[2 * plane + k] = (byte) b;
        }
      }
    }
    return out;
  }

  /** Per-channel mean and standard deviation of raw pixels scaled to [0, 1]. */
  static Normalization normalizationOf(byte[] pixels, int channels, int images, int plane) {
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < images; i++) {
        int base = (i * channels + c) * plane;
        for (int k = 0; k < plane; k++) {
          double v = (pixels[base + k] & 0xff) / 255.0;
          sum += v;
          sq += v * v;
        }
      }
      double n = (double) images * plane;
      double m = sum / n;
      double var = Math.max(0, sq / n - m * m);
      mean[c] = (float) m;
      std[c] = (float) Math.max(Math.sqrt(var), 1e-3); // a constant channel must not divide by 0
    }
    return new Normalization(mean, std);
  }

  private static Decoded decode(List<Item> items, ImageFolderOptions options) throws IOException {
    int size = options.channels() * options.width() * options.height();
    byte[] pixels = new byte[items.size() * size];
    int[] labels = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      byte[] px = decodeImage(items.get(i).file, options);
      System.arraycopy(px, 0, pixels, i * size, size);
      labels[i] = items.get(i).label;
    }
    return new Decoded(pixels, labels);
  }

  private static List<String> classFolders(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p) && !n.startsWith(".") && !images(p).isEmpty()) {
          out.add(n);
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  private static List<Path> images(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(p) && !n.startsWith(".")
            && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"))) {
          out.add(p);
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  private record Item(Path file, int label) {}

  private record Decoded(byte[] pixels, int[] labels) {}
}

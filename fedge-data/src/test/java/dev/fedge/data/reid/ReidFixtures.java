package dev.fedge.data.reid;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small VeRi-776 and Market-1501 folders in the real layouts, with real JPEG files written by
 * {@code javax.imageio}. Every image of one identity has that identity's colour ({@link
 * #colour(int)}), with a little per-image variation, so that the images carry identity signal.
 * Training identities are {@code 1..trainIds}; query and gallery identities follow them.
 */
public final class ReidFixtures {

  /** Width of the generated images. */
  public static final int WIDTH = 16;

  /** Height of the generated images. */
  public static final int HEIGHT = 32;

  private ReidFixtures() {}

  /** The colour (0xRRGGBB) of an identity: well apart for small ids. */
  public static int colour(int id) {
    float hue = (id * 0.381966f) % 1f;
    return java.awt.Color.HSBtoRGB(hue, 0.9f, 0.35f + 0.6f * ((id * 7) % 5) / 4f) & 0xffffff;
  }

  /**
   * Writes a JPEG: the identity's colour, a lighter band whose row depends on {@code variant}.
   *
   * @param file the file (folders are created)
   * @param rgb the colour
   * @param variant which image of the identity
   * @throws IOException when it cannot be written
   */
  public static void jpeg(Path file, int rgb, int variant) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    int band = (variant * 5) % (HEIGHT - 4);
    int light = ((Math.min(255, ((rgb >> 16) & 0xff) + 40)) << 16)
        | ((Math.min(255, ((rgb >> 8) & 0xff) + 40)) << 8) | Math.min(255, (rgb & 0xff) + 40);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        img.setRGB(x, y, y >= band && y < band + 3 ? light : rgb);
      }
    }
    if (!ImageIO.write(img, "jpg", file.toFile())) {
      throw new IOException("no JPEG writer for " + file);
    }
  }

  /**
   * Writes a VeRi-776 folder: {@code image_train/}, {@code image_query/}, {@code image_test/} and
   * the {@code name_*.txt} lists. Training: {@code trainIds} vehicles x {@code cameras} cameras x
   * {@code perCamera} images. Query: vehicles {@code trainIds+1 .. trainIds+testIds}, one image
   * from camera 1 each; gallery: {@code perCamera} images of each from every camera (those of
   * camera 1 are ignored by the protocol).
   *
   * @param dir the data set's folder, e.g. {@code data/veri776}
   * @return {@code dir}
   * @throws IOException when a file cannot be written
   */
  public static Path veri(Path dir, int trainIds, int cameras, int perCamera, int testIds)
      throws IOException {
    List<String> train = new ArrayList<>();
    List<String> query = new ArrayList<>();
    List<String> test = new ArrayList<>();
    int t = 0;
    for (int id = 1; id <= trainIds + testIds; id++) {
      for (int c = 1; c <= cameras; c++) {
        for (int n = 0; n < perCamera; n++) {
          String name = String.format(Locale.ROOT, "%04d_c%03d_%08d_%d.jpg", id, c, ++t, n);
          if (id <= trainIds) {
            jpeg(dir.resolve("image_train").resolve(name), colour(id), c * perCamera + n);
            train.add(name);
          } else {
            jpeg(dir.resolve("image_test").resolve(name), colour(id), c * perCamera + n);
            test.add(name);
          }
        }
      }
      if (id > trainIds) {
        String name = String.format(Locale.ROOT, "%04d_c%03d_%08d_%d.jpg", id, 1, ++t, 9);
        jpeg(dir.resolve("image_query").resolve(name), colour(id), 99);
        query.add(name);
      }
    }
    Files.write(dir.resolve("name_train.txt"), train);
    Files.write(dir.resolve("name_query.txt"), query);
    Files.write(dir.resolve("name_test.txt"), test);
    return dir;
  }

  /**
   * Writes a Market-1501 folder: {@code bounding_box_train/}, {@code query/} and {@code
   * bounding_box_test/}, laid out as {@link #veri}, plus in the gallery one junk image (id
   * {@code -1}) and two distractors (id {@code 0000}).
   *
   * @param dir the data set's folder, e.g. {@code data/market1501}
   * @return {@code dir}
   * @throws IOException when a file cannot be written
   */
  public static Path market(Path dir, int trainIds, int cameras, int perCamera, int testIds)
      throws IOException {
    int frame = 0;
    for (int id = 1; id <= trainIds + testIds; id++) {
      for (int c = 1; c <= cameras; c++) {
        for (int n = 0; n < perCamera; n++) {
          String name = String.format(Locale.ROOT, "%04d_c%ds1_%06d_%02d.jpg", id, c, ++frame, n);
          jpeg(dir.resolve(id <= trainIds ? "bounding_box_train" : "bounding_box_test")
              .resolve(name), colour(id), c * perCamera + n);
        }
      }
      if (id > trainIds) {
        String name = String.format(Locale.ROOT, "%04d_c1s1_%06d_00.jpg", id, ++frame);
        jpeg(dir.resolve("query").resolve(name), colour(id), 99);
      }
    }
    jpeg(dir.resolve("bounding_box_test/-1_c1s1_000001_01.jpg"), 0x808080, 1);
    jpeg(dir.resolve("bounding_box_test/0000_c2s1_000002_01.jpg"), 0x101010, 2);
    jpeg(dir.resolve("bounding_box_test/0000_c3s1_000003_01.jpg"), 0xf0f0f0, 3);
    return dir;
  }

  /**
   * The code of an identity in {@link #veriHard}: which of the 4x2 cells of the image are
   * marked (8 bits, distinct for ids 0-255).
   */
  public static int code(int id) {
    return (id * 37 + 11) & 0xff;
  }

  /** A camera's colour in {@link #veriHard}: strong, well apart hues. */
  static int cameraColour(int camera) {
    float hue = (camera * 0.381966f + 0.1f) % 1f;
    return java.awt.Color.HSBtoRGB(hue, 0.85f, 0.85f) & 0xffffff;
  }

  /**
   * Writes a harder JPEG: the camera's colour everywhere, the identity only as a low-contrast
   * pattern (cells of {@link #code} a third darker), shifted by up to two pixels, with uniform
   * noise of +-{@code noise} per channel.
   */
  static void hardJpeg(Path file, int id, int camera, java.util.Random rnd, int noise)
      throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    int bg = cameraColour(camera);
    int dx = rnd.nextInt(5) - 2;
    int dy = rnd.nextInt(5) - 2;
    int c = code(id);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int cx = x - dx;
        int cy = y - dy;
        boolean inside = cx >= 0 && cx < WIDTH && cy >= 0 && cy < HEIGHT;
        int cell = inside ? (cy / (HEIGHT / 4)) * 2 + cx / (WIDTH / 2) : -1;
        boolean marked = cell >= 0 && ((c >> cell) & 1) == 1;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
          int v = (bg >> shift) & 0xff;
          if (marked) {
            v = v * 2 / 3;
          }
          v += rnd.nextInt(2 * noise + 1) - noise;
          rgb |= Math.max(0, Math.min(255, v)) << shift;
        }
        img.setRGB(x, y, rgb);
      }
    }
    if (!ImageIO.write(img, "jpg", file.toFile())) {
      throw new IOException("no JPEG writer for " + file);
    }
  }

  /**
   * Writes a harder VeRi-776 folder, where colour says nothing about the identity: every image
   * from one camera has that camera's colour, and a vehicle is only a low-contrast pattern of
   * marked cells ({@link #code}), shifted and noisy, so an untrained network ranks the other
   * vehicles of the query's camera first (the protocol ignores only the same vehicle from the
   * same camera). Training: {@code trainIds} vehicles x {@code cameras} x {@code perCamera};
   * query: vehicles {@code trainIds+1 .. trainIds+testIds}, one image from every camera each;
   * gallery: {@code perCamera} images of each from every camera.
   *
   * @param dir the data set's folder, e.g. {@code data/veri776}
   * @param seed the seed of the shifts and the noise
   * @return {@code dir}
   * @throws IOException when a file cannot be written
   */
  public static Path veriHard(Path dir, int trainIds, int cameras, int perCamera, int testIds,
      long seed) throws IOException {
    java.util.Random rnd = new java.util.Random(seed);
    int noise = 24;
    List<String> train = new ArrayList<>();
    List<String> query = new ArrayList<>();
    List<String> test = new ArrayList<>();
    int t = 0;
    for (int id = 1; id <= trainIds + testIds; id++) {
      for (int c = 1; c <= cameras; c++) {
        for (int n = 0; n < perCamera; n++) {
          String name = String.format(Locale.ROOT, "%04d_c%03d_%08d_%d.jpg", id, c, ++t, n);
          String folder = id <= trainIds ? "image_train" : "image_test";
          hardJpeg(dir.resolve(folder).resolve(name), id, c, rnd, noise);
          (id <= trainIds ? train : test).add(name);
        }
        if (id > trainIds) {
          String name = String.format(Locale.ROOT, "%04d_c%03d_%08d_%d.jpg", id, c, ++t, 9);
          hardJpeg(dir.resolve("image_query").resolve(name), id, c, rnd, noise);
          query.add(name);
        }
      }
    }
    Files.write(dir.resolve("name_train.txt"), train);
    Files.write(dir.resolve("name_query.txt"), query);
    Files.write(dir.resolve("name_test.txt"), test);
    return dir;
  }
}

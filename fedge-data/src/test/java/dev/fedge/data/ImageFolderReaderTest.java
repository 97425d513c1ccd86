package dev.fedge.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

  @TempDir Path root;

  private static void image(Path file, Color color, int w, int h) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    String n = file.getFileName().toString();
    ImageIO.write(img, n.endsWith(".png") ? "png" : "jpg", file.toFile());
  }

  private void classes(Path dir, int perClass) throws Exception {
    for (int i = 0; i < perClass; i++) {
      image(dir.resolve("red/r" + i + ".png"), Color.RED, 20, 10);
      image(dir.resolve("blue/b" + i + ".jpg"), Color.BLUE, 12, 12);
    }
  }

  @Test
  void splitsEachClassEightyTwentyAndResizes() throws Exception {
    // Arrange
    classes(root, 10);
    Files.writeString(root.resolve("red/notes.txt"), "not an image");

    // Act
    DataSplit split = ImageFolderReader.read("folder:x", root, ImageFolderOptions.DEFAULTS
        .withSize(8, 6));

    // Assert
    assertEquals(List.of("blue", "red"), split.train().classNames());
    assertArrayEquals(new int[] {8, 8}, split.train().classCounts());
    assertArrayEquals(new int[] {2, 2}, split.test().classCounts());
    assertEquals(3, split.train().channels());
    assertEquals(6, split.train().height());
    assertEquals(8, split.train().width());
    int red = 1;
    int i = 0;
    while (split.train().label(i) != red) {
      i++;
    }
    assertEquals(255, split.train().rawPixel(i, 0)); // R plane
    assertEquals(0, split.train().rawPixel(i, 48)); // G plane
    assertEquals(0, split.train().rawPixel(i, 96)); // B plane
  }

  @Test
  void normalizationComesFromTrainingImages() throws Exception {
    classes(root, 5);

    DataSplit split = ImageFolderReader.read("f", root, ImageFolderOptions.DEFAULTS);

    float[] mean = split.train().normalization().mean();
    // half the images are pure red, half (near) pure blue: R and B means near 0.5, G near 0
    assertEquals(0.5f, mean[0], 0.02f);
    assertEquals(0.0f, mean[1], 0.02f);
    assertEquals(0.5f, mean[2], 0.02f);
    assertEquals(0.5f, split.train().normalization().std()[0], 0.02f);
  }

  @Test
  void splitIsReproducibleFromSeed() throws Exception {
    for (int i = 0; i < 10; i++) {
      image(root.resolve("c/i" + i + ".png"), new Color(i * 20, 0, 0), 4, 4);
    }
    ImageFolderOptions o = ImageFolderOptions.DEFAULTS.withSize(2, 2);

    DataSplit a = ImageFolderReader.read("f", root, o.withSeed(1));
    DataSplit b = ImageFolderReader.read("f", root, o.withSeed(1));
    DataSplit c = ImageFolderReader.read("f", root, o.withSeed(2));

    assertEquals(testPixels(a), testPixels(b));
    assertNotEquals(testPixels(a), testPixels(c));
  }

  private static List<Integer> testPixels(DataSplit s) {
    return List.of(s.test().rawPixel(0, 0), s.test().rawPixel(1, 0));
  }

  @Test
  void usesTrainAndTestFoldersAndGrayscale() throws Exception {
    classes(root.resolve("train"), 3);
    image(root.resolve("test/red/t.png"), Color.RED, 5, 5);

    DataSplit split = ImageFolderReader.read("f", root,
        ImageFolderOptions.DEFAULTS.withSize(4, 4).withGrayscale(true));

    assertEquals(6, split.train().size());
    assertEquals(1, split.test().size());
    assertEquals(1, split.test().label(0));
    assertEquals(1, split.test().channels());
    assertEquals(76, split.test().rawPixel(0, 5)); // luma of pure red: 0.299 * 255
  }

  @Test
  void corruptImageNamesTheFile() throws Exception {
    classes(root, 1);
    Path bad = Files.writeString(root.resolve("red/broken.jpg"), "this is not a jpeg");

    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ImageFolderReader.read("f", root, ImageFolderOptions.DEFAULTS));

    assertEquals(bad + ": not a readable JPEG or PNG image", e.getMessage());
  }

  @Test
  void folderWithoutClassFolders() throws Exception {
    Files.writeString(root.resolve("a.txt"), "x");

    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ImageFolderReader.read("f", root, ImageFolderOptions.DEFAULTS));

    assertEquals(root + ": no class folders with .jpg/.jpeg/.png images", e.getMessage());
  }

  @Test
  void loadsThroughDatasetsByName() throws Exception {
    classes(root, 5);

    DataSplit split = Datasets.load("folder:" + root, root.resolve("unused"));

    assertEquals(10, split.train().size() + split.test().size());
    assertEquals(32, split.train().width());
  }
}

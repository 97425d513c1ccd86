package dev.fedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReidCommandTest {

  @TempDir Path dataDir;

  private static void jpeg(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    ImageIO.write(new BufferedImage(4, 8, BufferedImage.TYPE_INT_RGB), "jpg", file.toFile());
  }

  @Test
  void fetchMissingVeriSaysWhereToPutFilesInOneLine() {
    DataFetchCommandTest.Run r = DataFetchCommandTest.run(
        "data", "fetch", "veri776", "--data-dir", dataDir.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("veri776: missing image_train/"), r.err());
    assertTrue(r.err().contains(dataDir.resolve("veri776") + "/"), r.err());
  }

  @Test
  void infoShowsMarketCounts() throws Exception {
    Path m = dataDir.resolve("market1501");
    jpeg(m.resolve("bounding_box_train/0002_c1s1_000451_03.jpg"));
    jpeg(m.resolve("bounding_box_train/0007_c2s1_000451_03.jpg"));
    jpeg(m.resolve("query/0003_c1s1_000100_00.jpg"));
    jpeg(m.resolve("bounding_box_test/0003_c2s1_000200_01.jpg"));
    jpeg(m.resolve("bounding_box_test/-1_c2s1_000300_01.jpg"));

    DataFetchCommandTest.Run r = DataFetchCommandTest.run(
        "data", "info", "market1501", "--data-dir", dataDir.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("market1501 train: 2 ids, 2 cameras, 2 images; query: 1 ids, 1 cameras,"
        + " 1 images; gallery: 1 ids, 1 cameras, 1 images\n", r.out());
  }
}

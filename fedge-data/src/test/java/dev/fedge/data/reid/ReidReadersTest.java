package dev.fedge.data.reid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.DataFormatException;
import dev.fedge.data.DatasetUnavailableException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReidReadersTest {

  @TempDir Path dir;

  private static void jpeg(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(8, 16, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 2, 0xff0000);
    ImageIO.write(img, "jpg", file.toFile());
  }

  private void veriSplit(String folder, String list, String... names) throws IOException {
    for (String n : names) {
      jpeg(dir.resolve(folder).resolve(n));
    }
    Files.write(dir.resolve(list), List.of(names));
  }

  private void veri() throws IOException {
    veriSplit("image_train", "name_train.txt",
        "0001_c001_00016450_0.jpg", "0001_c002_00016460_0.jpg", "0002_c003_00016470_1.jpg");
    veriSplit("image_query", "name_query.txt", "0005_c001_00010000_0.jpg");
    veriSplit("image_test", "name_test.txt",
        "0005_c001_00010010_0.jpg", "0005_c004_00010020_0.jpg", "0006_c020_00010030_0.jpg");
  }

  @Test
  void readsVeriLayout() throws IOException {
    veri();
    ReidDataset d = ReidReaders.read("veri776", dir);
    assertEquals(3, d.train().size());
    assertEquals(2, d.identities(ReidSplit.TRAIN));
    assertEquals(3, d.cameras(ReidSplit.TRAIN));
    ReidSample g = d.gallery().get(2);
    assertEquals(6, g.identity());
    assertEquals(20, g.camera());
    assertEquals(ReidSplit.GALLERY, g.split());
    assertEquals(dir.resolve("image_test/0006_c020_00010030_0.jpg"), g.image());
    assertEquals(1, d.query().size());
    assertTrue(d.summary().contains("gallery: 2 ids, 3 cameras, 3 images"), d.summary());
  }

  @Test
  void veriMissingListNamesIt() throws IOException {
    veri();
    Files.delete(dir.resolve("name_query.txt"));
    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> ReidReaders.read("veri776", dir));
    assertTrue(e.getMessage().contains("missing name_query.txt"), e.getMessage());
    assertEquals(List.of("name_query.txt"), ReidReaders.missing("veri776", dir));
  }

  @Test
  void veriMalformedNameNamesListAndLine() throws IOException {
    veri();
    Files.write(dir.resolve("name_test.txt"), List.of("0005_c001_00010010_0.jpg", "car.jpg"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> ReidReaders.read("veri776", dir));
    assertTrue(e.getMessage().contains("name_test.txt: line 2: 'car.jpg'"), e.getMessage());
  }

  @Test
  void veriListedImageMissing() throws IOException {
    veri();
    Files.delete(dir.resolve("image_train/0002_c003_00016470_1.jpg"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> ReidReaders.read("veri776", dir));
    assertTrue(e.getMessage().contains("line 3: 0002_c003_00016470_1.jpg is not in"),
        e.getMessage());
  }

  private void market() throws IOException {
    for (String n : List.of("0002_c1s1_000451_03.jpg", "0002_c2s1_000301_01.jpg",
        "0007_c3s2_001234_02.jpg")) {
      jpeg(dir.resolve("bounding_box_train").resolve(n));
    }
    jpeg(dir.resolve("query/0003_c1s1_000100_00.jpg"));
    for (String n : List.of("0003_c2s1_000200_01.jpg", "0003_c1s1_000110_01.jpg",
        "0000_c4s2_000500_01.jpg", "-1_c1s1_000600_01.jpg", "0009_c6s3_000700_02.jpg")) {
      jpeg(dir.resolve("bounding_box_test").resolve(n));
    }
  }

  @Test
  void readsMarketDroppingJunkKeepingDistractors() throws IOException {
    market();
    ReidDataset d = ReidReaders.read("market1501", dir);
    assertEquals(3, d.train().size());
    assertEquals(1, d.query().size());
    assertEquals(4, d.gallery().size()); // the -1 image is dropped
    assertTrue(d.gallery().stream().anyMatch(s -> s.identity() == 0), "distractor kept");
    assertTrue(d.gallery().stream().noneMatch(s -> s.image().toString().contains("-1_")));
    assertEquals(3, d.identities(ReidSplit.GALLERY));
    ReidSample q = d.query().get(0);
    assertEquals(3, q.identity());
    assertEquals(1, q.camera());
  }

  @Test
  void marketMalformedNameNamesFile() throws IOException {
    market();
    jpeg(dir.resolve("query/person.jpg"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> ReidReaders.read("market1501", dir));
    assertTrue(e.getMessage().contains("person.jpg: name is not PPPP_cCsS_FFFFFF_NN.jpg"),
        e.getMessage());
  }

  @Test
  void marketMissingFolder() {
    DatasetUnavailableException e =
        assertThrows(DatasetUnavailableException.class, () -> ReidReaders.read("market1501", dir));
    assertTrue(e.getMessage().startsWith(
        "market1501: missing bounding_box_train/, query/, bounding_box_test/"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }
}

package dev.fedge.data.reid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.DataFormatException;
import dev.fedge.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReidImageLoaderTest {

  @TempDir Path dir;

  /** Raw pixel (channel c, row y, column x) of image i. */
  private static int px(ImageDataset d, int i, int c, int y, int x) {
    return d.rawPixel(i, c * d.height() * d.width() + y * d.width() + x);
  }

  private static void assertColour(ImageDataset d, int i, int rgb) {
    // bottom-left corner: below every band of the fixture; JPEG is lossy, so a tolerance
    int y = d.height() - 1;
    int[] want = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
    for (int c = 0; c < 3; c++) {
      int got = px(d, i, c, y, 0);
      assertTrue(Math.abs(got - want[c]) <= 16,
          d.name() + " image " + i + " channel " + c + ": " + got + " vs " + want[c]);
    }
  }

  @Test
  void veriTrainDecodesShapePixelsAndDenseIdentities() throws IOException {
    ReidFixtures.veri(dir, 3, 3, 2, 2);
    ReidDataset data = ReidReaders.read("veri776", dir);

    ReidImages train = new ReidImageLoader(ReidFixtures.HEIGHT, ReidFixtures.WIDTH)
        .train(data, 0);

    ImageDataset d = train.images();
    assertEquals(18, train.size());
    assertEquals(3, d.channels());
    assertEquals(ReidFixtures.HEIGHT, d.height());
    assertEquals(ReidFixtures.WIDTH, d.width());
    assertEquals(List.of("0001", "0002", "0003"), d.classNames());
    assertEquals(ReidSplit.TRAIN, train.split());
    assertArrayEquals(d.labels(), train.identities());
    for (int i = 0; i < train.size(); i++) {
      ReidSample s = data.train().get(i);
      assertEquals(s.identity() - 1, train.identities()[i], "dense id of " + s.image());
      assertEquals(s.camera(), train.cameras()[i]);
      assertColour(d, i, ReidFixtures.colour(s.identity()));
    }
    assertArrayEquals(ReidImageLoader.IMAGENET.mean(), d.normalization().mean());
    assertArrayEquals(ReidImageLoader.IMAGENET.std(), d.normalization().std());
  }

  @Test
  void resizesToTheConfiguredSize() throws IOException {
    ReidFixtures.veri(dir, 2, 2, 1, 1);
    ReidImages train = ReidImageLoader.parse("8x4").train(ReidReaders.read("veri776", dir), 0);
    assertEquals(3 * 8 * 4, train.images().imageSize());
    assertColour(train.images(), 0, ReidFixtures.colour(1));
    assertEquals(64, ReidImageLoader.cpuDefault().height());
    assertEquals(32, ReidImageLoader.cpuDefault().width());
  }

  @Test
  void marketQueryAndGalleryKeepRawIdsAndDistractors() throws IOException {
    ReidFixtures.market(dir, 3, 3, 1, 2);
    ReidDataset data = ReidReaders.read("market1501", dir);

    List<ReidImages> qg = new ReidImageLoader(16, 8).queryAndGallery(data, 0);

    ReidImages q = qg.get(0);
    ReidImages g = qg.get(1);
    assertEquals(ReidSplit.QUERY, q.split());
    assertEquals(ReidSplit.GALLERY, g.split());
    assertArrayEquals(new int[] {4, 5}, q.identities());
    assertEquals(2 * 3 + 2, g.size(), "6 images of ids 4-5, 2 distractors, junk dropped");
    assertEquals(2, java.util.Arrays.stream(g.identities()).filter(id -> id == 0).count());
    for (int i = 0; i < g.size(); i++) {
      assertEquals(data.gallery().get(i).identity(), g.identities()[i]);
      assertEquals(data.gallery().get(i).camera(), g.cameras()[i]);
    }
  }

  @Test
  void corruptJpegFailsInOneLineNamingTheFile() throws IOException {
    ReidFixtures.veri(dir, 2, 2, 1, 1);
    Path bad = dir.resolve("image_train/0002_c001_00000003_0.jpg");
    assertTrue(Files.isRegularFile(bad));
    Files.writeString(bad, "not a jpeg");
    ReidDataset data = ReidReaders.read("veri776", dir);

    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ReidImageLoader.cpuDefault().train(data, 0));

    assertTrue(e.getMessage().startsWith(bad.toString() + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void capsKeepCamerasAndAValidMatchForEveryQuery() throws IOException {
    ReidFixtures.veri(dir, 6, 3, 2, 6);
    ReidDataset data = ReidReaders.read("veri776", dir);
    ReidImageLoader loader = new ReidImageLoader(8, 4);

    ReidImages train = loader.train(data, 12);
    List<ReidImages> qg = loader.queryAndGallery(data, 20);

    assertTrue(Math.abs(train.size() - 12) <= 3, "about 12: " + train.size());
    assertEquals(3, java.util.Arrays.stream(train.cameras()).distinct().count());
    assertEquals(6, train.images().numClasses(), "the cameras keep different identities");
    ReidImages q = qg.get(0);
    ReidImages g = qg.get(1);
    assertTrue(q.size() + g.size() <= 20, q.size() + " + " + g.size());
    assertTrue(q.size() >= 1);
    for (int i = 0; i < q.size(); i++) {
      boolean match = false;
      for (int j = 0; j < g.size(); j++) {
        match |= g.identities()[j] == q.identities()[i] && g.cameras()[j] != q.cameras()[i];
      }
      assertTrue(match, "query " + q.identities()[i] + " has a match from another camera");
    }
  }

  @Test
  void decodedImagesAreCachedNextToTheDataAndDecodedAgainWhenAnImageChanges() throws IOException {
    ReidFixtures.veri(dir, 2, 2, 1, 1);
    ReidImageLoader loader = new ReidImageLoader(8, 4);
    ReidImages first = loader.train(ReidReaders.read("veri776", dir), 0);
    Path cacheDir = dir.resolve(ReidImageLoader.CACHE_DIR);
    List<Path> files;
    try (var s = Files.list(cacheDir)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), files.toString());
    Path cache = files.get(0);
    assertTrue(cache.getFileName().toString().matches("train-8x4-[0-9a-f]{16}\\.rgb"),
        cache.toString());
    assertEquals(first.size() * 3L * 8 * 4, Files.size(cache));

    // the cache is what a second load reads: overwrite it with grey, same length
    byte[] grey = new byte[(int) Files.size(cache)];
    java.util.Arrays.fill(grey, (byte) 0x7f);
    Files.write(cache, grey);
    ReidImages second = loader.train(ReidReaders.read("veri776", dir), 0);
    assertEquals(0x7f, second.images().rawPixel(0, 0));
    assertArrayEquals(first.identities(), second.identities());

    // a changed image gives another key: decoded again (here: fails, naming the file)
    Path bad = dir.resolve("image_train/0001_c001_00000001_0.jpg");
    Files.writeString(bad, "not a jpeg");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> loader.train(ReidReaders.read("veri776", dir), 0));
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
  }

  @Test
  void badSizeIsOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReidImageLoader.parse("64by32"));
    assertEquals("reid input size: expected HEIGHTxWIDTH, e.g. 256x128, got '64by32'",
        e.getMessage());
  }

  @Test
  void capped_canLeaveAShareWithoutAValidQuery_whichCountsAfterTheCap() {
    // identity 1's gallery image is from its query's camera (not a match), identity 2's is not
    ReidSample q1 = new ReidSample(Path.of("q1.jpg"), 1, 1, ReidSplit.QUERY);
    ReidSample q2 = new ReidSample(Path.of("q2.jpg"), 2, 1, ReidSplit.QUERY);
    ReidSample g1 = new ReidSample(Path.of("g1.jpg"), 1, 1, ReidSplit.GALLERY);
    ReidSample g2 = new ReidSample(Path.of("g2.jpg"), 2, 2, ReidSplit.GALLERY);
    ReidPartitions.EvaluationShare share =
        new ReidPartitions.EvaluationShare(List.of(q1, q2), List.of(g1, g2), "all");
    assertEquals(1, share.validQueries());
    assertTrue(ReidImageLoader.capped(share, 0) == share);
    assertTrue(ReidImageLoader.capped(share, 4) == share);

    ReidPartitions.EvaluationShare two = ReidImageLoader.capped(share, 2);

    assertEquals(List.of(q1), two.query());
    assertEquals(List.of(g1), two.gallery(), "the cap is full: no other gallery image");
    assertEquals(0, two.validQueries());
    assertEquals("all, test-limit 2", two.rule());
  }
}

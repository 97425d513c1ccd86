package dev.fedge.data.reid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.DataSplit;
import dev.fedge.data.ImageDataset;
import dev.fedge.data.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FashionReidProxyTest {

  /** A 10-class data set shaped like Fashion-MNIST, small: {@code perClass} 2x2 images each. */
  private static ImageDataset tenClasses(String name, int perClass, long seed) {
    List<String> classes = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      classes.add("c" + c);
    }
    int n = 10 * perClass;
    int[] labels = new int[n];
    byte[] px = new byte[n * 4];
    new Random(seed).nextBytes(px);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    return new ImageDataset(name, 1, 2, 2, classes, px, labels,
        new Normalization(new float[] {0.5f}, new float[] {0.25f}));
  }

  private static DataSplit data() {
    return new DataSplit(tenClasses("f/train", 30, 1), tenClasses("f/test", 12, 2));
  }

  @Test
  void heldOutClassesOnlyInQueryAndGallery() {
    FashionReidProxy.Splits s = FashionReidProxy.build(data(), 4, 0.25, 7);
    assertEquals(7 * 30, s.train().size());
    for (int id : s.train().identities()) {
      assertTrue(id < 7, "train identity " + id);
    }
    for (ReidImages part : List.of(s.query(), s.gallery())) {
      for (int id : part.identities()) {
        assertTrue(id >= 7 && id <= 9, part.split() + " identity " + id);
      }
    }
    assertEquals(3 * 12, s.query().size() + s.gallery().size());
    assertTrue(s.query().size() > 0);
  }

  @Test
  void everyQueryHasAValidGalleryMatch() {
    for (long seed = 0; seed < 20; seed++) {
      FashionReidProxy.Splits s = FashionReidProxy.build(data(), 2, 0.5, seed);
      int[] qi = s.query().identities();
      int[] qc = s.query().cameras();
      int[] gi = s.gallery().identities();
      int[] gc = s.gallery().cameras();
      for (int q = 0; q < qi.length; q++) {
        boolean found = false;
        for (int g = 0; g < gi.length; g++) {
          found |= gi[g] == qi[q] && gc[g] != qc[q];
        }
        assertTrue(found, "seed " + seed + ": query " + q + " has no match from another camera");
      }
    }
  }

  @Test
  void deterministicForASeed() {
    FashionReidProxy.Splits a = FashionReidProxy.build(data(), 5, 0.3, 42);
    FashionReidProxy.Splits b = FashionReidProxy.build(data(), 5, 0.3, 42);
    FashionReidProxy.Splits c = FashionReidProxy.build(data(), 5, 0.3, 43);
    assertArrayEquals(a.query().cameras(), b.query().cameras());
    assertArrayEquals(a.gallery().cameras(), b.gallery().cameras());
    assertArrayEquals(a.train().cameras(), b.train().cameras());
    assertEquals(a.query().images().rawPixel(0, 0), b.query().images().rawPixel(0, 0));
    assertFalse(java.util.Arrays.equals(a.train().cameras(), c.train().cameras()));
  }
}

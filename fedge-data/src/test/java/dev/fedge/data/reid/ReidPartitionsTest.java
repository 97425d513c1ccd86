package dev.fedge.data.reid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.data.ImageDataset;
import dev.fedge.data.Normalization;
import dev.fedge.data.partition.Partition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReidPartitionsTest {

  /** 12 identities x 6 cameras, one 2x2 image per (identity, camera). */
  private static ReidImages train() {
    int ids = 12;
    int cams = 6;
    List<String> names = new ArrayList<>();
    for (int c = 0; c < ids; c++) {
      names.add("id" + c);
    }
    int n = ids * cams;
    int[] labels = new int[n];
    int[] cameras = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i / cams;
      cameras[i] = 1 + i % cams;
    }
    ImageDataset images = new ImageDataset("t", 1, 2, 2, names, new byte[n * 4], labels,
        new Normalization(new float[] {0.5f}, new float[] {0.25f}));
    return new ReidImages(images, labels, cameras, ReidSplit.TRAIN);
  }

  @Test
  void camera_eachClientGetsWholeCameras_disjointly() {
    ReidImages t = train();
    int[] cams = t.cameras();

    Partition p = ReidPartitions.partition("camera", t, 4, 3);

    assertEquals(4, p.numClients());
    assertEquals(t.size(), p.size());
    Set<Integer> seen = new HashSet<>();
    for (int c = 0; c < 4; c++) {
      Set<Integer> mine = new HashSet<>();
      for (int i : p.indices(c)) {
        mine.add(cams[i]);
      }
      assertTrue(mine.size() == 1 || mine.size() == 2, "6 cameras over 4 clients: " + mine);
      for (int cam : mine) {
        assertTrue(seen.add(cam), "camera " + cam + " on two clients");
      }
      // a client with a camera has all 12 identities' images from it
      assertEquals(12 * mine.size(), p.clientSize(c));
    }
    assertEquals(p, ReidPartitions.partition("camera", t, 4, 3), "same seed, same partition");
  }

  @Test
  void identity_clientsHoldDisjointIdentitySets() {
    ReidImages t = train();

    Partition p = ReidPartitions.partition("identity:2", t, 3, 5);

    Set<Integer> seen = new HashSet<>();
    for (int c = 0; c < 3; c++) {
      int[] h = p.histogram(c);
      int held = 0;
      for (int id = 0; id < h.length; id++) {
        if (h[id] > 0) {
          assertEquals(6, h[id], "every image of an identity goes together");
          assertTrue(seen.add(id), "identity " + id + " on two clients");
          held++;
        }
      }
      assertEquals(4, held, "12 identities dealt 2 at a time to 3 clients");
    }
    assertNotEquals(p, ReidPartitions.partition("identity:2", t, 3, 6), "seed changes it");
    assertEquals("identity:2", p.spec());
  }

  @Test
  void labelPartitionsRunOverIdentities() {
    Partition p = ReidPartitions.partition("iid", train(), 4, 1);

    assertEquals(12, p.numClasses());
    assertEquals(18, p.clientSize(0));
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    ReidImages t = train();
    IllegalArgumentException tooMany =
        assertThrows(IllegalArgumentException.class,
            () -> ReidPartitions.partition("camera", t, 7, 1));
    assertEquals("camera: 7 clients but the training split has only 6 cameras",
        tooMany.getMessage());
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class,
            () -> ReidPartitions.partition("identity:x", t, 2, 1));
    assertTrue(bad.getMessage().contains("bad identity count 'x'"), bad.getMessage());
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class,
            () -> ReidPartitions.partition("identity:6", t, 3, 1));
    assertTrue(empty.getMessage().contains("client 2 gets no identities"), empty.getMessage());
  }

  private static ReidSample sample(int id, int cam, ReidSplit split) {
    return new ReidSample(java.nio.file.Path.of(id + "_" + cam + "_" + split + ".jpg"), id, cam,
        split);
  }

  @Test
  void evaluationShare_byCamera_isWhatTheDevicesCamerasSaw() {
    // query: ids 10, 11 from camera 1; gallery: ids 10, 11 from cameras 1-3
    List<ReidSample> q = List.of(sample(10, 1, ReidSplit.QUERY), sample(11, 1, ReidSplit.QUERY));
    List<ReidSample> g = new ArrayList<>();
    for (int id = 10; id <= 11; id++) {
      for (int c = 1; c <= 3; c++) {
        g.add(sample(id, c, ReidSplit.GALLERY));
      }
    }

    ReidPartitions.EvaluationShare both =
        ReidPartitions.evaluationShare("camera", q, g, Set.of(1, 3), 0, 2);
    ReidPartitions.EvaluationShare one =
        ReidPartitions.evaluationShare("camera", q, g, Set.of(1), 1, 2);
    ReidPartitions.EvaluationShare none =
        ReidPartitions.evaluationShare("camera", q, g, Set.of(2), 1, 2);

    assertEquals(2, both.query().size());
    assertEquals(4, both.gallery().size());
    assertTrue(both.gallery().stream().allMatch(x -> x.camera() != 2));
    assertEquals(2, both.validQueries()); // matched from camera 3
    assertEquals(2, one.query().size());
    assertEquals(0, one.validQueries()); // only same-camera matches: ignored by the protocol
    assertEquals(0, none.query().size());
    assertEquals(0, none.validQueries());
  }

  @Test
  void evaluationShare_otherwise_dealsTheTestIdentities_andTheDistractors() {
    List<ReidSample> q = new ArrayList<>();
    List<ReidSample> g = new ArrayList<>();
    for (int id = 20; id < 25; id++) {
      q.add(sample(id, 1, ReidSplit.QUERY));
      g.add(sample(id, 2, ReidSplit.GALLERY));
    }
    g.add(sample(0, 3, ReidSplit.GALLERY));
    g.add(sample(0, 4, ReidSplit.GALLERY));
    g.add(sample(30, 2, ReidSplit.GALLERY)); // a gallery identity without a query

    List<ReidPartitions.EvaluationShare> shares = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      shares.add(ReidPartitions.evaluationShare("identity:2", q, g, Set.of(), c, 2));
    }

    // ids 20..25 and 30 in order: 20, 22, 24 to device 0; 21, 23, 30 to device 1
    assertEquals(List.of(20, 22, 24), shares.get(0).query().stream()
        .map(ReidSample::identity).toList());
    assertEquals(List.of(21, 23), shares.get(1).query().stream()
        .map(ReidSample::identity).toList());
    assertEquals(List.of(21, 23, 0, 30), shares.get(1).gallery().stream()
        .map(ReidSample::identity).toList());
    assertEquals(3, shares.get(0).validQueries());
    assertEquals(2, shares.get(1).validQueries());
    assertEquals(g.size(), shares.get(0).gallery().size() + shares.get(1).gallery().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReidPartitions.evaluationShare("iid", q, g, Set.of(), 2, 2));
    assertEquals("evaluation share: client 2 must be in [0, 2)", e.getMessage());
  }
}

package dev.fedge.data.reid;

import dev.fedge.data.DataSplit;
import dev.fedge.data.ImageDataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An offline stand-in for re-identification, built from Fashion-MNIST: open-set retrieval, not
 * re-identification. Training uses classes 0-6 of the training set; query and gallery come from
 * classes 7-9 (Sneaker, Bag, Ankle boot) of the test set, so no training class is ever searched
 * for. Each image gets a "camera" drawn at random from the seed, and the cameras are recorded so
 * the standard protocol (same identity and same camera ignored) applies. With only three
 * "identities" in the gallery it says nothing about telling thousands of vehicles apart; it
 * exercises the data path, the training and the evaluation.
 */
public final class FashionReidProxy {

  /** Training classes are {@code 0 .. TRAIN_CLASSES-1}; the rest are query and gallery. */
  public static final int TRAIN_CLASSES = 7;

  /** The proxy's usual number of cameras (a simulation uses more when it has more clients). */
  public static final int CAMERAS = 6;

  /** The usual share of each held-out class that becomes queries. */
  public static final double QUERY_FRACTION = 0.1;

  private FashionReidProxy() {}

  /**
   * The proxy splits.
   *
   * @param train the training split: identities 0-6
   * @param query query images: identities 7-9, each with a valid gallery match
   * @param gallery gallery images: identities 7-9
   * @param seed the seed that drew the cameras and the query/gallery split
   */
  public record Splits(ReidImages train, ReidImages query, ReidImages gallery, long seed) {}

  /**
   * Builds the proxy.
   *
   * @param data Fashion-MNIST (10 classes)
   * @param cameras number of cameras, at least 2
   * @param queryFraction share of each held-out class that becomes queries, in (0, 1)
   * @param seed seed of the cameras and the split
   * @return train, query and gallery
   */
  public static Splits build(DataSplit data, int cameras, double queryFraction, long seed) {
    if (data.train().numClasses() != 10) {
      throw new IllegalArgumentException(
          data.train().name() + ": the proxy needs 10 classes, got " + data.train().numClasses());
    }
    if (cameras < 2) {
      throw new IllegalArgumentException("cameras must be >= 2, got " + cameras);
    }
    if (!(queryFraction > 0 && queryFraction < 1)) {
      throw new IllegalArgumentException("queryFraction must be in (0, 1), got " + queryFraction);
    }
    Random rnd = new Random(seed);
    ImageDataset tr = data.train();
    List<Integer> trainIdx = new ArrayList<>();
    for (int i = 0; i < tr.size(); i++) {
      if (tr.label(i) < TRAIN_CLASSES) {
        trainIdx.add(i);
      }
    }
    int[] trainCams = new int[trainIdx.size()];
    for (int k = 0; k < trainCams.length; k++) {
      trainCams[k] = 1 + rnd.nextInt(cameras);
    }
    ReidImages train = images(tr, "reid-proxy/train", trainIdx, trainCams, ReidSplit.TRAIN);

    ImageDataset te = data.test();
    List<Integer> qIdx = new ArrayList<>();
    List<Integer> gIdx = new ArrayList<>();
    List<Integer> qCam = new ArrayList<>();
    List<Integer> gCam = new ArrayList<>();
    for (int c = TRAIN_CLASSES; c < 10; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < te.size(); i++) {
        if (te.label(i) == c) {
          members.add(i);
        }
      }
      Collections.shuffle(members, rnd);
      int[] cam = new int[members.size()];
      for (int k = 0; k < cam.length; k++) {
        cam[k] = 1 + rnd.nextInt(cameras);
      }
      int nq = (int) Math.floor(members.size() * queryFraction);
      boolean[] galleryCams = new boolean[cameras + 1];
      int distinct = 0;
      for (int k = nq; k < members.size(); k++) {
        if (!galleryCams[cam[k]]) {
          galleryCams[cam[k]] = true;
          distinct++;
        }
      }
      for (int k = 0; k < members.size(); k++) {
        // a query is valid when the gallery holds its class from another camera
        boolean valid = distinct > 1 || (distinct == 1 && !galleryCams[cam[k]]);
        if (k < nq && valid) {
          qIdx.add(members.get(k));
          qCam.add(cam[k]);
        } else {
          gIdx.add(members.get(k));
          gCam.add(cam[k]);
        }
      }
    }
    if (qIdx.isEmpty()) {
      throw new IllegalArgumentException(te.name() + ": too few images of classes 7-9 for queries");
    }
    return new Splits(train,
        images(te, "reid-proxy/query", qIdx, toArray(qCam), ReidSplit.QUERY),
        images(te, "reid-proxy/gallery", gIdx, toArray(gCam), ReidSplit.GALLERY), seed);
  }

  private static ReidImages images(ImageDataset src, String name, List<Integer> idx, int[] cams,
      ReidSplit split) {
    int[] ix = toArray(idx);
    ImageDataset sub = src.subset(name, ix);
    return new ReidImages(sub, sub.labels(), cams, split);
  }

  private static int[] toArray(List<Integer> xs) {
    int[] out = new int[xs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = xs.get(i);
    }
    return out;
  }
}

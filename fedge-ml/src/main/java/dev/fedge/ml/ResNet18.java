package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.ParameterLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet-18 (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016), CIFAR variant:
 * a 3x3 stem convolution with 64 channels and no max pooling, four stages of two basic blocks with
 * 64, 128, 256 and 512 channels (stages 2-4 start with stride 2 and a 1x1 projection shortcut),
 * global average pooling and a dense layer to the classes. 11,173,962 parameters on 32x32x3 with 10
 * classes.
 *
 * <p>Batch normalisation is replaced by group normalisation with {@value #GROUPS} groups, which has
 * no running statistics and does not depend on the batch, as federated learning on non-IID data
 * needs (Hsieh et al., "The Non-IID Data Quagmire of Decentralized Machine Learning", ICML 2020,
 * found 2 groups best). Convolutions have no bias.
 *
 * <p>Tensor names follow torchvision where they can: {@code conv1.weight, gn1.weight, gn1.bias,
 * layer1.0.conv1.weight, layer1.0.gn1.weight, ..., layer2.0.shortcut.conv.weight,
 * layer2.0.shortcut.gn.weight, ..., head.weight, head.bias}.
 *
 * <p>At a width {@code w} in (0, 1] (HeteroFL's submodels, {@code resnet18-x0.25}) every stage's
 * channels are {@code w × 64, 128, 256, 512}, rounded up to a multiple of {@value #GROUPS} so that
 * the groups divide them; the input channels and the classes stay, and every tensor is the first
 * slice of the full model's. The groups of a narrower model split its own channels in two, so a
 * submodel's normalisation groups are not the full model's (HeteroFL's sBN has no counterpart here:
 * group normalisation keeps no running statistics).
 */
public final class ResNet18 implements Backbone {

  /** Number of groups of every group normalisation. */
  public static final int GROUPS = 2;

  private static final int[] WIDTHS = {64, 128, 256, 512};

  /** Indices of one basic block's tensors; {@code sc* < 0} when the shortcut is the identity. */
  private record Block(
      int stride,
      int conv1,
      int gn1w,
      int gn1b,
      int conv2,
      int gn2w,
      int gn2b,
      int scConv,
      int scGnW,
      int scGnB) {}

  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
  private final double widthMultiplier;
  private final int features;
  private final LayoutBuilder builder = new LayoutBuilder();
  private final ParameterLayout layout;
  private final int stem;
  private final int stemGnW;
  private final int stemGnB;
  private final List<Block> blocks = new ArrayList<>();
  private final int headW;
  private final int headB;

  /**
   * Defines the network for an input shape.
   *
   * @param channels input channels
   * @param height input rows, at least 4
   * @param width input columns, at least 4
   * @param numClasses output classes, at least 2
   */
  public ResNet18(int channels, int height, int width, int numClasses) {
    this(channels, height, width, numClasses, 1.0);
  }

  /**
   * Defines the network at a width (HeteroFL's submodel).
   *
   * @param channels input channels
   * @param height input rows, at least 4
   * @param width input columns, at least 4
   * @param numClasses output classes, at least 2
   * @param widthMultiplier every stage's channels are scaled by it, in (0, 1]
   */
  public ResNet18(int channels, int height, int width, int numClasses, double widthMultiplier) {
    Models.checkShape("resnet18", channels, height, width, numClasses);
    Models.checkWidth("resnet18", widthMultiplier);
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
    this.widthMultiplier = widthMultiplier;
    int stemOut = Models.scaled(64, widthMultiplier, GROUPS);
    stem = builder.convWeight("conv1.weight", stemOut, channels, 3, Init.KAIMING_NORMAL_FAN_OUT);
    stemGnW = norm("gn1.weight", stemOut, Init.ONES);
    stemGnB = norm("gn1.bias", stemOut, Init.ZEROS);
    int in = stemOut;
    for (int stage = 0; stage < 4; stage++) {
      int out = Models.scaled(WIDTHS[stage], widthMultiplier, GROUPS);
      for (int b = 0; b < 2; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String p = "layer" + (stage + 1) + "." + b + ".";
        int c1 = builder.convWeight(p + "conv1.weight", out, in, 3, Init.KAIMING_NORMAL_FAN_OUT);
        int g1w = norm(p + "gn1.weight", out, Init.ONES);
        int g1b = norm(p + "gn1.bias", out, Init.ZEROS);
        int c2 = builder.convWeight(p + "conv2.weight", out, out, 3, Init.KAIMING_NORMAL_FAN_OUT);
        int g2w = norm(p + "gn2.weight", out, Init.ONES);
        int g2b = norm(p + "gn2.bias", out, Init.ZEROS);
        int sc = -1;
        int scw = -1;
        int scb = -1;
        if (stride != 1 || in != out) {
          sc =
              builder.convWeight(
                  p + "shortcut.conv.weight", out, in, 1, Init.KAIMING_NORMAL_FAN_OUT);
          scw = norm(p + "shortcut.gn.weight", out, Init.ONES);
          scb = norm(p + "shortcut.gn.bias", out, Init.ZEROS);
        }
        blocks.add(new Block(stride, c1, g1w, g1b, c2, g2w, g2b, sc, scw, scb));
        in = out;
      }
    }
    features = in;
    headW = builder.denseWeight("head.weight", numClasses, in);
    headB = builder.bias("head.bias", numClasses, in);
    layout = builder.layout();
  }

  private int norm(String name, int c, Init init) {
    return builder.add(name, new int[] {c}, init, c, c);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return Models.widthName("resnet18", widthMultiplier);
  }

  /** {@inheritDoc} */
  @Override
  public int channels() {
    return channels;
  }

  /** {@inheritDoc} */
  @Override
  public int height() {
    return height;
  }

  /** {@inheritDoc} */
  @Override
  public int width() {
    return width;
  }

  /** {@inheritDoc} */
  @Override
  public int numClasses() {
    return numClasses;
  }

  /** {@inheritDoc} */
  @Override
  public ParameterLayout layout() {
    return layout;
  }

  /** {@inheritDoc} */
  @Override
  public float[] initialize(long seed) {
    return builder.initialize(seed);
  }

  /** {@inheritDoc} */
  @Override
  public NDArray forward(NDArray[] p, NDArray x) {
    return Ops.dense(features(p, x), p[headW], p[headB]);
  }

  /** {@inheritDoc} */
  @Override
  public int featureSize() {
    return features;
  }

  /** The globally average-pooled output of the last block. */
  @Override
  public NDArray features(NDArray[] p, NDArray x) {
    NDArray h = Ops.conv(x, p[stem], null, 1, 1);
    h = Ops.relu(Ops.groupNorm(h, p[stemGnW], p[stemGnB], GROUPS));
    for (Block b : blocks) {
      NDArray o = Ops.conv(h, p[b.conv1()], null, b.stride(), 1);
      o = Ops.relu(Ops.groupNorm(o, p[b.gn1w()], p[b.gn1b()], GROUPS));
      o = Ops.conv(o, p[b.conv2()], null, 1, 1);
      o = Ops.groupNorm(o, p[b.gn2w()], p[b.gn2b()], GROUPS);
      NDArray shortcut = h;
      if (b.scConv() >= 0) {
        shortcut = Ops.conv(h, p[b.scConv()], null, b.stride(), 0);
        shortcut = Ops.groupNorm(shortcut, p[b.scGnW()], p[b.scGnB()], GROUPS);
      }
      h = Ops.relu(o.add(shortcut));
    }
    return Ops.globalAvgPool(h);
  }
}

package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.fedge.api.ParameterLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet-50 (He et al., CVPR 2016), the ImageNet layout that re-identification backbones use: a
 * 7x7 stride-2 stem convolution with 64 channels and a 3x3 stride-2 max pooling, four stages of 3,
 * 4, 6 and 3 bottleneck blocks (1x1, 3x3, 1x1 convolutions; widths 64, 128, 256, 512, expanded 4x
 * to 256 ... 2048 channels; the stride on the 3x3 convolution, as torchvision's v1.5; a 1x1
 * projection shortcut where the shape changes), global average pooling and a dense layer to the
 * classes. Its backbone (without the dense layer) has 23,508,032 parameters on 3 input channels,
 * torchvision's count; meant for GPUs (use {@code resnet18} or {@code cnn} on CPUs).
 *
 * <p>As in {@link ResNet18}, batch normalisation is replaced by group normalisation with {@value
 * ResNet18#GROUPS} groups (no running statistics, independent of the batch; the same parameter
 * count), and convolutions have no bias. Tensor names follow torchvision: {@code conv1.weight,
 * gn1.*, layer1.0.conv1.weight, layer1.0.gn1.*, ..., layer1.0.conv3.weight, layer1.0.gn3.*,
 * layer1.0.shortcut.conv.weight, layer1.0.shortcut.gn.*, ..., head.weight, head.bias}.
 */
public final class ResNet50 implements Backbone {

  private static final int GROUPS = ResNet18.GROUPS;
  private static final int[] WIDTHS = {64, 128, 256, 512};
  private static final int[] DEPTHS = {3, 4, 6, 3};
  private static final int EXPANSION = 4;

  /** Indices of one bottleneck block's tensors; {@code sc < 0} when the shortcut is the identity. */
  private record Block(int stride, int[] conv, int[] gnW, int[] gnB, int sc, int scW, int scB) {}

  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
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
  public ResNet50(int channels, int height, int width, int numClasses) {
    Models.checkShape("resnet50", channels, height, width, numClasses);
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
    stem = builder.convWeight("conv1.weight", 64, channels, 7, Init.KAIMING_NORMAL_FAN_OUT);
    stemGnW = norm("gn1.weight", 64, Init.ONES);
    stemGnB = norm("gn1.bias", 64, Init.ZEROS);
    int in = 64;
    for (int stage = 0; stage < WIDTHS.length; stage++) {
      int w = WIDTHS[stage];
      int out = w * EXPANSION;
      for (int b = 0; b < DEPTHS[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String p = "layer" + (stage + 1) + "." + b + ".";
        int[] conv = new int[3];
        int[] gnW = new int[3];
        int[] gnB = new int[3];
        int[][] shapes = {{w, in, 1}, {w, w, 3}, {out, w, 1}};
        for (int k = 0; k < 3; k++) {
          conv[k] = builder.convWeight(p + "conv" + (k + 1) + ".weight", shapes[k][0],
              shapes[k][1], shapes[k][2], Init.KAIMING_NORMAL_FAN_OUT);
          gnW[k] = norm(p + "gn" + (k + 1) + ".weight", shapes[k][0], Init.ONES);
          gnB[k] = norm(p + "gn" + (k + 1) + ".bias", shapes[k][0], Init.ZEROS);
        }
        int sc = -1;
        int scW = -1;
        int scB = -1;
        if (stride != 1 || in != out) {
          sc = builder.convWeight(p + "shortcut.conv.weight", out, in, 1,
              Init.KAIMING_NORMAL_FAN_OUT);
          scW = norm(p + "shortcut.gn.weight", out, Init.ONES);
          scB = norm(p + "shortcut.gn.bias", out, Init.ZEROS);
        }
        blocks.add(new Block(stride, conv, gnW, gnB, sc, scW, scB));
        in = out;
      }
    }
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
    return "resnet50";
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
    return WIDTHS[WIDTHS.length - 1] * EXPANSION;
  }

  /** The globally average-pooled output of the last block (2048 values). */
  @Override
  public NDArray features(NDArray[] p, NDArray x) {
    NDArray h = Ops.conv(x, p[stem], null, 2, 3);
    h = Ops.relu(Ops.groupNorm(h, p[stemGnW], p[stemGnB], GROUPS));
    h = Pool.maxPool2d(h, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    for (Block b : blocks) {
      NDArray o = pointwise(h, p[b.conv()[0]]);
      o = Ops.relu(Ops.groupNorm(o, p[b.gnW()[0]], p[b.gnB()[0]], GROUPS));
      o = Ops.conv(o, p[b.conv()[1]], null, b.stride(), 1);
      o = Ops.relu(Ops.groupNorm(o, p[b.gnW()[1]], p[b.gnB()[1]], GROUPS));
      o = pointwise(o, p[b.conv()[2]]);
      o = Ops.groupNorm(o, p[b.gnW()[2]], p[b.gnB()[2]], GROUPS);
      NDArray shortcut = h;
      if (b.sc() >= 0) {
        // a 1x1 convolution of stride 2 reads every other pixel of every other row
        shortcut = pointwise(b.stride() == 1 ? h : h.get(":, :, ::2, ::2"), p[b.sc()]);
        shortcut = Ops.groupNorm(shortcut, p[b.scW()], p[b.scB()], GROUPS);
      }
      h = Ops.relu(o.add(shortcut));
    }
    return Ops.globalAvgPool(h);
  }

  /**
   * A 1x1 convolution as a matrix product over the channels: the same numbers, but
   * PyTorch 2.x's oneDNN (brgemm) backward of a 1x1 convolution dies with SIGFPE on this project's
   * AMD EPYC VMs ({@code brg_blocking_t::est_eff_1x1}), which a JVM cannot catch.
   */
  static NDArray pointwise(NDArray x, NDArray weight) {
    Shape s = x.getShape();
    long n = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    Shape ws = weight.getShape();
    NDArray m = weight.reshape(ws.get(0), ws.get(1));
    return m.matMul(x.reshape(n, s.get(1), h * w)).reshape(n, ws.get(0), h, w);
  }
}

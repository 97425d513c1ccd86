package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.ParameterLayout;

/**
 * What the mobile convolutional networks share: the input shape, the tensor layout collected while
 * the subclass defines itself, and convolution units (a bias-free convolution, group
 * normalisation with {@value #GROUPS} groups in place of batch normalisation, as in {@link
 * ResNet18}, and an activation).
 */
abstract class GnConvNet implements Network {

  /** Groups of every group normalisation. */
  static final int GROUPS = 2;

  /** The activation after a unit. */
  enum Act {
    /** None (the projection of an inverted residual). */
    NONE,
    /** min(max(x, 0), 6), MobileNetV2's. */
    RELU6,
    /** x * sigmoid(x) (swish), EfficientNet's. */
    SILU
  }

  /** A convolution with its normalisation: tensor indices, stride, padding, groups, activation. */
  record Unit(int weight, int gnWeight, int gnBias, int stride, int pad, int groups, Act act) {}

  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
  final LayoutBuilder builder = new LayoutBuilder();
  private ParameterLayout layout;

  GnConvNet(String name, int channels, int height, int width, int numClasses) {
    Models.checkShape(name, channels, height, width, numClasses);
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
  }

  /** Whether the input is small (CIFAR-sized): the first two downsamplings are then left out. */
  boolean smallInput() {
    return height < 64 || width < 64;
  }

  /** Adds a unit: a k x k convolution from {@code in} to {@code out} channels in groups. */
  Unit unit(String prefix, int in, int out, int k, int stride, int groups, Act act) {
    int w = builder.convWeight(prefix + ".conv.weight", out, in / groups, k,
        Init.KAIMING_NORMAL_FAN_OUT);
    int gw = builder.add(prefix + ".gn.weight", new int[] {out}, Init.ONES, out, out);
    int gb = builder.add(prefix + ".gn.bias", new int[] {out}, Init.ZEROS, out, out);
    return new Unit(w, gw, gb, stride, k / 2, groups, act);
  }

  static NDArray apply(Unit u, NDArray[] p, NDArray x) {
    NDArray h = Ops.conv(x, p[u.weight()], null, u.stride(), u.pad(), u.groups());
    h = Ops.groupNorm(h, p[u.gnWeight()], p[u.gnBias()], GROUPS);
    return switch (u.act()) {
      case NONE -> h;
      case RELU6 -> Ops.relu6(h);
      case SILU -> Ops.silu(h);
    };
  }

  /** Ends the definition: the layout is what was added. */
  final void done() {
    layout = builder.layout();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public ParameterLayout layout() {
    return layout;
  }

  @Override
  public float[] initialize(long seed) {
    return builder.initialize(seed);
  }
}

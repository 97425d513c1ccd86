package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR
 * 2018) with a width multiplier: a 3x3 stem, seventeen inverted residual blocks (1x1 expansion by
 * t, 3x3 depthwise, linear 1x1 projection; a residual where the shape stays), a 1x1 convolution to
 * 1280 channels, global average pooling and a dense head. Channels are the paper's times the width,
 * rounded to multiples of 8 as torchvision does, so {@code mobilenetv2-x0.5} and {@code
 * mobilenetv2-x0.25} are width-scaled versions of the same network. 3,504,872 parameters at width 1
 * with 1000 classes, torchvision's count (the paper: 3.4M).
 *
 * <p>As in {@link ResNet18}, group normalisation replaces batch normalisation (no running
 * statistics, nothing that depends on the batch), and on inputs under 64 pixels (28x28, 32x32) the
 * stem and the first stride-2 stage keep their resolution, so that 32x32 ends at 4x4, not 1x1. The
 * classifier's dropout is left out.
 */
final class MobileNetV2 extends GnConvNet {

  /** Expansion t, channels c, repeats n, first stride s: the paper's Table 2. */
  private static final int[][] SETTINGS = {
    {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
    {6, 320, 1, 1}
  };

  private record Block(Unit expand, Unit depthwise, Unit project, boolean residual) {}

  private final double widthMultiplier;
  private final Unit stem;
  private final List<Block> blocks = new ArrayList<>();
  private final Unit last;
  private final int headW;
  private final int headB;

  MobileNetV2(int channels, int height, int width, int numClasses, double widthMultiplier) {
    super(name(widthMultiplier), channels, height, width, numClasses);
    if (!(widthMultiplier > 0 && widthMultiplier <= 4)) {
      throw new IllegalArgumentException("mobilenetv2: width multiplier must be in (0, 4], got "
          + widthMultiplier);
    }
    this.widthMultiplier = widthMultiplier;
    int in = divisible(32 * widthMultiplier);
    stem = unit("stem", channels, in, 3, smallInput() ? 1 : 2, 1, Act.RELU6);
    int b = 0;
    boolean firstDownsample = true;
    for (int[] s : SETTINGS) {
      int out = divisible(s[1] * widthMultiplier);
      for (int i = 0; i < s[2]; i++) {
        int stride = i == 0 ? s[3] : 1;
        if (stride == 2 && firstDownsample) {
          firstDownsample = false;
          stride = smallInput() ? 1 : 2;
        }
        int hidden = in * s[0];
        String p = "blocks." + b++;
        Unit expand = s[0] == 1 ? null : unit(p + ".expand", in, hidden, 1, 1, 1, Act.RELU6);
        Unit dw = unit(p + ".dw", hidden, hidden, 3, stride, hidden, Act.RELU6);
        Unit project = unit(p + ".project", hidden, out, 1, 1, 1, Act.NONE);
        blocks.add(new Block(expand, dw, project, stride == 1 && in == out));
        in = out;
      }
    }
    int lastChannels = divisible(1280 * Math.max(1.0, widthMultiplier));
    last = unit("last", in, lastChannels, 1, 1, 1, Act.RELU6);
    headW = builder.denseWeight("head.weight", numClasses, lastChannels);
    headB = builder.bias("head.bias", numClasses, lastChannels);
    done();
  }

  /** The registry name for a width: {@code mobilenetv2}, {@code mobilenetv2-x0.5}, ... */
  static String name(double widthMultiplier) {
    return widthMultiplier == 1.0 ? "mobilenetv2"
        : "mobilenetv2-x" + String.format(Locale.ROOT, "%s", widthMultiplier);
  }

  /** The width multiplier. */
  double widthMultiplier() {
    return widthMultiplier;
  }

  /** torchvision's {@code _make_divisible(v, 8)}: nearest multiple of 8, at most 10% below v. */
  static int divisible(double v) {
    int n = Math.max(8, (int) (v + 4) / 8 * 8);
    return n < 0.9 * v ? n + 8 : n;
  }

  @Override
  public NDArray forward(NDArray[] p, NDArray x) {
    NDArray h = apply(stem, p, x);
    for (Block b : blocks) {
      NDArray o = b.expand() == null ? h : apply(b.expand(), p, h);
      o = apply(b.project(), p, apply(b.depthwise(), p, o));
      h = b.residual() ? o.add(h) : o;
    }
    h = apply(last, p, h);
    return Ops.dense(Ops.globalAvgPool(h), p[headW], p[headB]);
  }
}

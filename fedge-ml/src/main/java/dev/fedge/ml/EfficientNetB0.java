package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * EfficientNet-B0 (Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
 * Networks", ICML 2019): a 3x3 stem with 32 channels, sixteen MBConv blocks in seven stages (1x1
 * expansion, k x k depthwise, squeeze-and-excitation to a quarter of the block's input channels,
 * linear 1x1 projection; a residual where the shape stays), a 1x1 convolution to 1280 channels,
 * global average pooling and a dense head; SiLU (swish) activations. 5,288,548 parameters with
 * 1000 classes, torchvision's count (the paper: 5.3M).
 *
 * <p>As in {@link ResNet18}, group normalisation replaces batch normalisation; on inputs under 64
 * pixels the stem and the first stride-2 stage keep their resolution. Stochastic depth and the
 * classifier's dropout are left out (training is deterministic for a seed).
 */
final class EfficientNetB0 extends GnConvNet {

  /** Expansion, kernel, first stride, input and output channels, repeats: the paper's Table 1. */
  private static final int[][] STAGES = {
    {1, 3, 1, 32, 16, 1}, {6, 3, 2, 16, 24, 2}, {6, 5, 2, 24, 40, 2}, {6, 3, 2, 40, 80, 3},
    {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4}, {6, 3, 1, 192, 320, 1}
  };

  private record Block(
      Unit expand, Unit depthwise, int seReduceW, int seReduceB, int seExpandW, int seExpandB,
      Unit project, boolean residual) {}

  private final Unit stem;
  private final List<Block> blocks = new ArrayList<>();
  private final Unit last;
  private final int headW;
  private final int headB;

  EfficientNetB0(int channels, int height, int width, int numClasses) {
    super("efficientnet-b0", channels, height, width, numClasses);
    stem = unit("stem", channels, 32, 3, smallInput() ? 1 : 2, 1, Act.SILU);
    int b = 0;
    boolean firstDownsample = true;
    for (int[] s : STAGES) {
      for (int i = 0; i < s[5]; i++) {
        int in = i == 0 ? s[3] : s[4];
        int out = s[4];
        int stride = i == 0 ? s[2] : 1;
        if (stride == 2 && firstDownsample) {
          firstDownsample = false;
          stride = smallInput() ? 1 : 2;
        }
        int hidden = in * s[0];
        int squeeze = Math.max(1, in / 4);
        String p = "blocks." + b++;
        Unit expand = s[0] == 1 ? null : unit(p + ".expand", in, hidden, 1, 1, 1, Act.SILU);
        Unit dw = unit(p + ".dw", hidden, hidden, s[1], stride, hidden, Act.SILU);
        int rw = builder.convWeight(p + ".se.reduce.weight", squeeze, hidden, 1,
            Init.KAIMING_NORMAL_FAN_OUT);
        int rb = builder.bias(p + ".se.reduce.bias", squeeze, hidden);
        int ew = builder.convWeight(p + ".se.expand.weight", hidden, squeeze, 1,
            Init.KAIMING_NORMAL_FAN_OUT);
        int eb = builder.bias(p + ".se.expand.bias", hidden, squeeze);
        Unit project = unit(p + ".project", hidden, out, 1, 1, 1, Act.NONE);
        blocks.add(new Block(expand, dw, rw, rb, ew, eb, project, stride == 1 && in == out));
      }
    }
    last = unit("last", 320, 1280, 1, 1, 1, Act.SILU);
    headW = builder.denseWeight("head.weight", numClasses, 1280);
    headB = builder.bias("head.bias", numClasses, 1280);
    done();
  }

  @Override
  public NDArray forward(NDArray[] p, NDArray x) {
    NDArray h = apply(stem, p, x);
    for (Block b : blocks) {
      NDArray o = b.expand() == null ? h : apply(b.expand(), p, h);
      o = apply(b.depthwise(), p, o);
      long c = o.getShape().get(1);
      NDArray s = Ops.globalAvgPool(o).reshape(-1, c, 1, 1);
      s = Ops.silu(Ops.conv(s, p[b.seReduceW()], p[b.seReduceB()], 1, 0, 1));
      s = Ops.sigmoid(Ops.conv(s, p[b.seExpandW()], p[b.seExpandB()], 1, 0, 1));
      o = apply(b.project(), p, o.mul(s));
      h = b.residual() ? o.add(h) : o;
    }
    h = apply(last, p, h);
    return Ops.dense(Ops.globalAvgPool(h), p[headW], p[headB]);
  }
}

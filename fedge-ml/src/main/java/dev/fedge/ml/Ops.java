package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The layers the models are made of, as functions of DJL arrays. Results are attached to the
 * manager of the first array argument (the activations), so a per-step manager frees them.
 */
final class Ops {

  /** Epsilon of group normalisation, as PyTorch's {@code nn.GroupNorm}. */
  static final float GN_EPS = 1e-5f;

  private static final Shape ONE = new Shape(1, 1);

  private Ops() {}

  /** 2-D convolution with square kernel, stride and padding; {@code bias} may be null. */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int pad) {
    return Conv2d.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(pad, pad), ONE, 1)
        .singletonOrThrow();
  }

  /** Grouped 2-D convolution ({@code groups} = channels: depthwise); {@code bias} may be null. */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int pad, int groups) {
    return Conv2d.conv2d(
            x, weight, bias, new Shape(stride, stride), new Shape(pad, pad), ONE, groups)
        .singletonOrThrow();
  }

  /** min(max(x, 0), 6). */
  static NDArray relu6(NDArray x) {
    return Activation.relu6(x);
  }

  /** x * sigmoid(x) (SiLU, swish with beta 1). */
  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** The logistic function. */
  static NDArray sigmoid(NDArray x) {
    return Activation.sigmoid(x);
  }

  /** Dense layer {@code x W^T + b} with PyTorch's weight order {@code [out, in]}. */
  static NDArray dense(NDArray x, NDArray weight, NDArray bias) {
    return Linear.linear(x, weight, bias).singletonOrThrow();
  }

  /** Rectified linear unit. */
  static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }

  /** Max pooling with a square window of size and stride {@code k}. */
  static NDArray maxPool(NDArray x, int k) {
    return Pool.maxPool2d(x, new Shape(k, k), new Shape(k, k), new Shape(0, 0), false);
  }

  /**
   * Group normalisation (Wu and He, ECCV 2018): the channels of each example are split into {@code
   * groups} groups, each group is normalised to zero mean and unit variance over its channels and
   * pixels (biased variance, epsilon {@link #GN_EPS}), then scaled and shifted per channel. Same as
   * PyTorch's {@code nn.GroupNorm(groups, C)}.
   *
   * <p>DJL has no group norm; this uses PyTorch's fused layer norm on the input viewed as {@code
   * (N, groups, C/groups*H*W)}, then the per-channel affine transform.
   *
   * @param x activations {@code (N, C, H, W)}
   * @param gamma per-channel scale {@code [C]}
   * @param beta per-channel shift {@code [C]}
   * @param groups number of groups, dividing C
   */
  static NDArray groupNorm(NDArray x, NDArray gamma, NDArray beta, int groups) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long per = s.size() / (n * groups);
    NDArray grouped = x.reshape(n, groups, per);
    NDArray ones = x.getManager().ones(new Shape(per));
    NDArray zeros = x.getManager().zeros(new Shape(per));
    NDArray normed =
        grouped
            .getNDArrayInternal()
            .layerNorm(grouped, new Shape(per), ones, zeros, GN_EPS)
            .singletonOrThrow()
            .reshape(s);
    Shape channel = new Shape(1, c, 1, 1);
    return normed.mul(gamma.reshape(channel)).add(beta.reshape(channel));
  }

  /** Mean over the spatial axes: {@code (N, C, H, W) -> (N, C)}. */
  static NDArray globalAvgPool(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
  }
}

package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import dev.fedge.api.ParameterLayout;

/**
 * The CNN of the FedAvg paper (McMahan et al., "Communication-Efficient Learning of Deep Networks
 * from Decentralized Data", AISTATS 2017, arXiv:1602.05629): 5x5 convolution with 32 channels,
 * ReLU, 2x2 max pooling; 5x5 convolution with 64 channels, ReLU, 2x2 max pooling; dense 512 with
 * ReLU; dense to the classes. Convolutions are padded by 2, so 28x28x1 inputs with 10 classes give
 * exactly 1,663,370 parameters.
 *
 * <p>Tensors: {@code conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc1.weight, fc1.bias,
 * head.weight, head.bias}, initialised as PyTorch does by default.
 *
 * <p>At a width {@code w} in (0, 1] (HeteroFL's submodels, {@code cnn-x0.5}) the channels and the
 * hidden units are {@code ceil(w × 32)}, {@code ceil(w × 64)} and {@code ceil(w × 512)}; the input
 * channels and the classes stay. Every tensor is then the first slice of the full model's (the
 * flattening is channel-major, so {@code fc1}'s first inputs are the first channels' pixels).
 */
public final class Cnn implements Backbone {

  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
  private final double widthMultiplier;
  private final int hidden;
  private final LayoutBuilder builder = new LayoutBuilder();
  private final ParameterLayout layout;

  /**
   * Defines the network for an input shape.
   *
   * @param channels input channels (1 or 3, any positive number works)
   * @param height input rows, at least 4
   * @param width input columns, at least 4
   * @param numClasses output classes, at least 2
   */
  public Cnn(int channels, int height, int width, int numClasses) {
    this(channels, height, width, numClasses, 1.0);
  }

  /**
   * Defines the network at a width (HeteroFL's submodel).
   *
   * @param channels input channels
   * @param height input rows, at least 4
   * @param width input columns, at least 4
   * @param numClasses output classes, at least 2
   * @param widthMultiplier channels and hidden units are scaled by it, in (0, 1]
   */
  public Cnn(int channels, int height, int width, int numClasses, double widthMultiplier) {
    Models.checkShape("cnn", channels, height, width, numClasses);
    Models.checkWidth("cnn", widthMultiplier);
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
    this.widthMultiplier = widthMultiplier;
    int c1 = Models.scaled(32, widthMultiplier, 1);
    int c2 = Models.scaled(64, widthMultiplier, 1);
    hidden = Models.scaled(512, widthMultiplier, 1);
    int flat = c2 * (height / 4) * (width / 4);
    builder.convWeight("conv1.weight", c1, channels, 5, Init.UNIFORM_FAN_IN);
    builder.bias("conv1.bias", c1, channels * 25);
    builder.convWeight("conv2.weight", c2, c1, 5, Init.UNIFORM_FAN_IN);
    builder.bias("conv2.bias", c2, c1 * 25);
    builder.denseWeight("fc1.weight", hidden, flat);
    builder.bias("fc1.bias", hidden, flat);
    builder.denseWeight("head.weight", numClasses, hidden);
    builder.bias("head.bias", numClasses, hidden);
    layout = builder.layout();
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return Models.widthName("cnn", widthMultiplier);
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
    return Ops.dense(features(p, x), p[6], p[7]);
  }

  /** {@inheritDoc} */
  @Override
  public int featureSize() {
    return hidden;
  }

  /** The ReLU output of {@code fc1}. */
  @Override
  public NDArray features(NDArray[] p, NDArray x) {
    NDArray h = Ops.maxPool(Ops.relu(Ops.conv(x, p[0], p[1], 1, 2)), 2);
    h = Ops.maxPool(Ops.relu(Ops.conv(h, p[2], p[3], 1, 2)), 2);
    h = h.reshape(h.getShape().get(0), -1);
    return Ops.relu(Ops.dense(h, p[4], p[5]));
  }
}

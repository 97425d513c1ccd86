package dev.fedge.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A re-identification embedding model: a backbone ({@code cnn} or {@code resnet18}, without its
 * classifier), a projection to an embedding of {@code embeddingDim} values ({@code embed.*}), a
 * normalisation neck ({@code neck.*}) whose output is the embedding used for retrieval, and an
 * identity classifier without bias ({@code head.weight}) that only training uses. The layout of
 * the BNNeck baseline of Luo et al., "Bag of Tricks and A Strong Baseline for Deep Person
 * Re-identification", CVPR Workshops 2019 (arXiv:1903.07071); trained with label-smoothed
 * cross-entropy ({@code label_smoothing}).
 *
 * <p>The neck normalises each embedding over its features (layer normalisation, then a
 * per-feature scale and shift) instead of over the batch: fedge's networks are pure functions of
 * their parameters and keep no running statistics, and batch statistics are what federated
 * averaging handles worst (the reason the backbones use group normalisation).
 *
 * <p>Tensors: the backbone's (without {@code head.*}), {@code embed.weight, embed.bias,
 * neck.weight, neck.bias, head.weight}. Only {@code head.weight} depends on the number of
 * identities, so a strategy can keep it on the clients ({@code local_layers=head\..*}).
 */
public final class ReidNet implements Network {

  private final Backbone backbone;
  private final int backboneTensors;
  private final int backboneSize;
  private final int embeddingDim;
  private final int numIdentities;
  private final LayoutBuilder tail = new LayoutBuilder();
  private final ParameterLayout layout;

  /**
   * Defines the model.
   *
   * @param backbone {@code cnn}, {@code resnet18} or {@code resnet50} (any {@link Models} name with a feature extractor)
   * @param channels input channels
   * @param height input rows
   * @param width input columns
   * @param numIdentities training identities (classifier outputs), at least 2
   * @param embeddingDim embedding length, at least 2
   * @throws IllegalArgumentException for an unknown backbone or an unusable shape
   */
  public ReidNet(
      String backbone, int channels, int height, int width, int numIdentities, int embeddingDim) {
    if (embeddingDim < 2) {
      throw new IllegalArgumentException(
          "reid model: embedding dimension must be >= 2, got " + embeddingDim);
    }
    Network net = Models.create(backbone, channels, height, width, numIdentities);
    if (!(net instanceof Backbone b)) {
      throw new IllegalArgumentException("reid model: '" + backbone + "' has no feature extractor");
    }
    this.backbone = b;
    this.embeddingDim = embeddingDim;
    this.numIdentities = numIdentities;
    List<TensorSpec> specs = new ArrayList<>();
    for (TensorSpec t : b.layout().tensors()) {
      if (!t.name().startsWith("head.")) {
        specs.add(t);
      }
    }
    backboneTensors = specs.size();
    backboneSize = specs.stream().mapToInt(TensorSpec::size).sum();
    int f = b.featureSize();
    tail.denseWeight("embed.weight", embeddingDim, f);
    tail.bias("embed.bias", embeddingDim, f);
    tail.add("neck.weight", new int[] {embeddingDim}, Init.ONES, embeddingDim, embeddingDim);
    tail.add("neck.bias", new int[] {embeddingDim}, Init.ZEROS, embeddingDim, embeddingDim);
    tail.denseWeight("head.weight", numIdentities, embeddingDim);
    specs.addAll(tail.layout().tensors());
    layout = new ParameterLayout(specs);
  }

  /** {@inheritDoc} */
  @Override
  public String name() {
    return "reid-" + backbone.name();
  }

  /** The backbone's registry name. */
  public String backboneName() {
    return backbone.name();
  }

  /** Embedding length. */
  public int embeddingDim() {
    return embeddingDim;
  }

  /** {@inheritDoc} */
  @Override
  public int channels() {
    return backbone.channels();
  }

  /** {@inheritDoc} */
  @Override
  public int height() {
    return backbone.height();
  }

  /** {@inheritDoc} */
  @Override
  public int width() {
    return backbone.width();
  }

  /** The number of training identities. */
  @Override
  public int numClasses() {
    return numIdentities;
  }

  /** {@inheritDoc} */
  @Override
  public ParameterLayout layout() {
    return layout;
  }

  /** The backbone's initial values for the seed (without its head), then the tail's. */
  @Override
  public float[] initialize(long seed) {
    float[] body = backbone.initialize(seed);
    float[] rest = tail.initialize(seed ^ 0x5DEECE66DL);
    float[] out = Arrays.copyOf(body, backboneSize + rest.length);
    System.arraycopy(rest, 0, out, backboneSize, rest.length);
    return out;
  }

  /** Identity logits of the neck's embedding. */
  @Override
  public NDArray forward(NDArray[] p, NDArray x) {
    return embed(p, x).matMul(p[backboneTensors + 4].transpose());
  }

  /**
   * The embeddings of a batch: the neck's output.
   *
   * @param p one array per tensor of {@link #layout()}
   * @param x images, shape {@code (N, channels, height, width)}
   * @return shape {@code (N, embeddingDim)}
   */
  public NDArray embed(NDArray[] p, NDArray x) {
    int t = backboneTensors;
    NDArray e = Ops.dense(backbone.features(p, x), p[t], p[t + 1]);
    long n = e.getShape().get(0);
    NDArray normed = Ops.groupNorm(e.reshape(n, embeddingDim, 1, 1), p[t + 2], p[t + 3], 1);
    return normed.reshape(new Shape(n, embeddingDim));
  }
}

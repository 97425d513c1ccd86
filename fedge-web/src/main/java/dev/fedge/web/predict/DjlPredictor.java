package dev.fedge.web.predict;

import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.ReidNet;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link Predictor} on fedge-ml's {@link DjlRuntime}: one runtime per architecture and input
 * shape, created on first use and kept (the parameters of each request are copied into it, which
 * {@code DjlRuntime} serialises with training and evaluation in the same JVM).
 */
public final class DjlPredictor implements Predictor {

  private static final int BATCH = 64;

  private record RuntimeKey(String model, int channels, int height, int width, int classes,
      int embeddingDim) {}

  private final Map<RuntimeKey, DjlRuntime> runtimes = new HashMap<>();
  private boolean closed;

  /** A predictor with no runtime yet. */
  public DjlPredictor() {}

  /** {@inheritDoc} */
  @Override
  public float[][] predict(InputSpec spec, Parameters parameters, ImageDataset images) {
    if (spec.embeds()) {
      throw new IllegalArgumentException("model " + spec.model() + " is a re-identification "
          + "model: it answers with embeddings, not class probabilities");
    }
    return fitting(spec, parameters).predict(parameters, images, BATCH);
  }

  /** {@inheritDoc} */
  @Override
  public float[][] embed(InputSpec spec, Parameters parameters, ImageDataset images) {
    if (!spec.embeds()) {
      throw new IllegalArgumentException("model " + spec.model() + " is a classifier: it "
          + "answers with class probabilities, not embeddings");
    }
    return fitting(spec, parameters).embed(parameters, images, BATCH);
  }

  private DjlRuntime fitting(InputSpec spec, Parameters parameters) {
    DjlRuntime rt = runtime(spec);
    if (!rt.layout().equals(parameters.layout())) {
      throw new IllegalStateException(
          "model "
              + spec.model()
              + " on "
              + spec.channels()
              + "x"
              + spec.height()
              + "x"
              + spec.width()
              + " with "
              + spec.numClasses()
              + " classes has a different layout "
              + "than the stored parameters ("
              + parameters
              + ")");
    }
    return rt;
  }

  private synchronized DjlRuntime runtime(InputSpec spec) {
    if (closed) {
      throw new IllegalStateException("predictor is closed");
    }
    RuntimeKey key =
        new RuntimeKey(
            spec.model(), spec.channels(), spec.height(), spec.width(), spec.numClasses(),
            spec.embeddingDim());
    // threads 0: keep the JVM's PyTorch thread setting, which the server's own runtime chose
    return runtimes.computeIfAbsent(
        key,
        k -> k.embeddingDim() > 0
            ? DjlRuntime.create(new ReidNet(k.model(), k.channels(), k.height(), k.width(),
                k.classes(), k.embeddingDim()), 0L, 0)
            : DjlRuntime.create(k.model(), k.channels(), k.height(), k.width(), k.classes(), 0L,
                0));
  }

  /** {@inheritDoc} */
  @Override
  public synchronized void close() {
    closed = true;
    runtimes.values().forEach(DjlRuntime::close);
    runtimes.clear();
  }
}

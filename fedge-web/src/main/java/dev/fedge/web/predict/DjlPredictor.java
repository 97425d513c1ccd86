package dev.fedge.web.predict;

import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link Predictor} on fedge-ml's {@link DjlRuntime}: one runtime per architecture and input
 * shape, created on first use and kept (the parameters of each request are copied into it, which
 * {@code DjlRuntime} serialises with training and evaluation in the same JVM).
 */
public final class DjlPredictor implements Predictor {

  private static final int BATCH = 64;

  private record RuntimeKey(String model, int channels, int height, int width, int classes) {}

  private final Map<RuntimeKey, DjlRuntime> runtimes = new HashMap<>();
  private boolean closed;

  /** A predictor with no runtime yet. */
  public DjlPredictor() {}

  /** {@inheritDoc} */
  @Override
  public float[][] predict(InputSpec spec, Parameters parameters, ImageDataset images) {
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
    return rt.predict(parameters, images, BATCH);
  }

  private synchronized DjlRuntime runtime(InputSpec spec) {
    if (closed) {
      throw new IllegalStateException("predictor is closed");
    }
    RuntimeKey key =
        new RuntimeKey(
            spec.model(), spec.channels(), spec.height(), spec.width(), spec.numClasses());
    // threads 0: keep the JVM's PyTorch thread setting, which the server's own runtime chose
    return runtimes.computeIfAbsent(
        key,
        k -> DjlRuntime.create(k.model(), k.channels(), k.height(), k.width(), k.classes(), 0L, 0));
  }

  /** {@inheritDoc} */
  @Override
  public synchronized void close() {
    closed = true;
    runtimes.values().forEach(DjlRuntime::close);
    runtimes.clear();
  }
}

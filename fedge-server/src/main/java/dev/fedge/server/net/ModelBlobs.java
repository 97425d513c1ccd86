package dev.fedge.server.net;

import dev.fedge.api.Parameters;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.transport.ModelBlob;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The global models clients download, encoded once as float32 and shared by every download (so
 * serving N clients costs one encoded copy, not N). Keeps only the latest model: a synchronous
 * round's tasks are closed when it ends, and the rare task of an asynchronous strategy that still
 * needs an older model gets it encoded again ({@link #encode}).
 */
final class ModelBlobs {

  private static final int KEEP = 1;
  private static final Float32Codec FLOAT32 = new Float32Codec();

  private record Entry(Parameters parameters, ModelBlob blob) {}

  private final Deque<Entry> recent = new ArrayDeque<>();

  /** The blob of a model, encoding it on first use (models are matched by identity). */
  synchronized ModelBlob blob(Parameters parameters) {
    for (Entry e : recent) {
      if (e.parameters() == parameters) {
        return e.blob();
      }
    }
    ModelBlob blob = encode(parameters);
    for (Entry e : recent) {
      if (e.blob().id().equals(blob.id())) {
        recent.remove(e);
        recent.addFirst(new Entry(parameters, e.blob()));
        return e.blob();
      }
    }
    recent.addFirst(new Entry(parameters, blob));
    while (recent.size() > KEEP) {
      recent.removeLast();
    }
    return blob;
  }

  /**
   * Encodes a model as float32, named by its content, without keeping it.
   *
   * @param parameters the model
   * @return its blob, id {@code m-} and the first 8 bytes of its SHA-256 in hex
   */
  static ModelBlob encode(Parameters parameters) {
    return ModelBlob.named("m-", FLOAT32.encode(parameters));
  }

  /** A blob by id, if it is still kept. */
  synchronized Optional<ModelBlob> byId(String id) {
    for (Entry e : recent) {
      if (e.blob().id().equals(id)) {
        return Optional.of(e.blob());
      }
    }
    return Optional.empty();
  }
}

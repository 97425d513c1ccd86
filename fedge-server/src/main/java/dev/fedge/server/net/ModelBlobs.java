package dev.fedge.server.net;

import dev.fedge.api.Parameters;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.transport.ModelBlob;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The global models clients download, encoded once as float32 and shared by every download (so
 * serving N clients costs one encoded copy, not N). Keeps only the latest model: tasks of earlier
 * rounds are closed, so nobody needs theirs.
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
    byte[] bytes = FLOAT32.encode(parameters);
    byte[] sha = ModelBlob.sha256(bytes);
    String id = "m-" + HexFormat.of().formatHex(sha, 0, 8);
    for (Entry e : recent) {
      if (e.blob().id().equals(id)) {
        recent.remove(e);
        recent.addFirst(new Entry(parameters, e.blob()));
        return e.blob();
      }
    }
    ModelBlob blob = ModelBlob.of(id, bytes);
    recent.addFirst(new Entry(parameters, blob));
    while (recent.size() > KEEP) {
      recent.removeLast();
    }
    return blob;
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

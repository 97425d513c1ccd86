package dev.fedge.server.net;

import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.data.reid.ReidMetrics;
import dev.fedge.strategy.codec.Float32Bytes;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.UploadHeader;
import java.util.Arrays;

/**
 * The checks of a client's result against its task, free of gRPC and of any state: the upload's
 * header (codec, difference or not, layout, length) before any byte is read, then the decoded
 * values (decodable, no NaN or infinity), and an evaluation's loss. Each refusal is a {@link
 * FederationException} whose message names what was wrong.
 */
final class UploadCheck {

  private UploadCheck() {}

  /**
   * Checks an upload's header against its task.
   *
   * @param spec the task
   * @param codec the task's codec
   * @param h what the client says it sends
   * @throws FederationException {@code INVALID_ARGUMENT} for another codec, difference flag,
   *     layout or a short length, {@code RESOURCE_EXHAUSTED} for a longer one
   */
  static void header(TaskSpec spec, WireCodec codec, UploadHeader h) {
    if (!h.codec().equals(codec.name())) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload codec '" + h.codec() + "' does not match the task's '" + codec.name() + "'");
    }
    if (h.delta() != spec.delta()) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload " + (h.delta() ? "is" : "is not") + " a difference, the task asks for "
              + (spec.delta() ? "trained - global" : "the trained model"));
    }
    ParameterLayout expected = spec.layout();
    if (!h.layout().equals(expected)) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "upload layout does not match the model: " + layoutDifference(expected, h.layout()));
    }
    long size = codec.encodedSize(expected);
    if (h.totalLength() > size) {
      throw new FederationException(Code.RESOURCE_EXHAUSTED,
          "update of " + h.totalLength() + " bytes is larger than allowed: the model takes "
              + size + " bytes as " + codec.name());
    }
    if (h.totalLength() < size) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "update of " + h.totalLength() + " bytes does not match the model: it takes " + size
              + " bytes as " + codec.name());
    }
  }

  /**
   * Decodes an upload into the trained model: a difference is added to the global model.
   *
   * @param spec the task
   * @param codec the task's codec
   * @param global the model the task started from
   * @param data the upload's bytes
   * @return the trained model, marked {@link Parameters#checkedFinite}
   * @throws FederationException {@code INVALID_ARGUMENT} when the bytes do not decode or a value
   *     is not finite (the message names the index and the tensor)
   */
  static Parameters decode(TaskSpec spec, WireCodec codec, Parameters global, byte[] data) {
    Parameters p;
    try {
      p = codec.decode(spec.layout(), data);
    } catch (IllegalArgumentException e) {
      throw new FederationException(Code.INVALID_ARGUMENT, e.getMessage());
    }
    float[] v = p.values();
    if (spec.delta()) {
      float[] g = global.values();
      for (int i = 0; i < v.length; i++) {
        v[i] += g[i];
      }
    }
    int bad = p.firstNonFinite();
    if (bad >= 0) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "update has a non-finite value (" + v[bad] + ") at index " + bad + ", in tensor '"
              + tensorAt(p.layout(), bad) + "'");
    }
    // scanned here once: the strategy's checks need not scan these values again
    return Parameters.checkedFinite(p.layout(), v);
  }

  /**
   * Whether an upload of this task can be folded straight from its bytes ({@link #foldable}): a
   * float32 upload of the trained model (not a difference).
   */
  static boolean foldsFromBytes(TaskSpec spec, WireCodec codec) {
    return !spec.delta() && codec.name().equals(Float32Codec.NAME);
  }

  /**
   * Checks a float32 upload's bytes for NaN and infinity, once, and gives them as values to fold
   * without decoding them into a {@code float[]}.
   *
   * @param spec the task ({@link #foldsFromBytes} holds for it)
   * @param data the upload's bytes, kept (not copied) until {@code onRelease} runs
   * @param onRelease run once when the values are no longer needed
   * @return the values
   * @throws FederationException {@code INVALID_ARGUMENT} when a value is not finite (the message
   *     names the index and the tensor, as {@link #decode}'s)
   */
  static Float32Bytes foldable(TaskSpec spec, byte[] data, Runnable onRelease) {
    if ((long) data.length != 4L * spec.layout().totalSize()) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "update of " + data.length + " bytes does not match the model: it takes "
              + 4L * spec.layout().totalSize() + " bytes as float32");
    }
    try {
      return Float32Bytes.checked(data, onRelease); // the one scan of the values
    } catch (IllegalArgumentException e) {
      int bad = Float32Bytes.firstNonFinite(data); // refused: find the value again for the message
      throw new FederationException(Code.INVALID_ARGUMENT,
          "update has a non-finite value (" + Float32Bytes.valueAt(data, bad) + ") at index "
              + bad + ", in tensor '" + tensorAt(spec.layout(), bad) + "'");
    }
  }

  /**
   * Checks an evaluation result. A retrieval result (re-identification: it has {@code mAP}) has
   * no loss (NaN), and each of its {@link ReidMetrics#NAMES} must be a fraction in [0, 1].
   *
   * @param result what the client reported
   * @throws FederationException {@code INVALID_ARGUMENT} for a loss that is not finite, or a
   *     retrieval metric outside [0, 1]
   */
  static void evaluation(EvaluateRes result) {
    if (result.metrics().containsKey(ReidMetrics.MAP)) {
      for (String k : ReidMetrics.NAMES) {
        Double v = result.metrics().get(k);
        if (v != null && !(v >= 0 && v <= 1)) {
          throw new FederationException(Code.INVALID_ARGUMENT,
              "retrieval metric " + k + " must be in [0, 1], got " + v);
        }
      }
      if (!Double.isNaN(result.loss()) && !Double.isFinite(result.loss())) {
        throw new FederationException(Code.INVALID_ARGUMENT,
            "evaluation loss must be finite or NaN (none), got " + result.loss());
      }
      return;
    }
    if (!Double.isFinite(result.loss())) {
      throw new FederationException(Code.INVALID_ARGUMENT,
          "evaluation loss must be finite, got " + result.loss());
    }
  }

  /** The first difference between two layouts, for a person. */
  static String layoutDifference(ParameterLayout expected, ParameterLayout got) {
    for (int i = 0; i < Math.max(expected.count(), got.count()); i++) {
      if (i >= expected.count()) {
        return "extra tensor '" + got.tensors().get(i).name() + "'";
      }
      TensorSpec e = expected.tensors().get(i);
      if (i >= got.count()) {
        return "tensor '" + e.name() + "' is missing";
      }
      TensorSpec g = got.tensors().get(i);
      if (!e.name().equals(g.name())) {
        return "tensor " + i + " is '" + g.name() + "', the model's is '" + e.name() + "'";
      }
      if (!Arrays.equals(e.shape(), g.shape())) {
        return "tensor '" + e.name() + "' has shape " + Arrays.toString(g.shape())
            + ", the model's is " + Arrays.toString(e.shape());
      }
    }
    return "layouts differ";
  }

  private static String tensorAt(ParameterLayout layout, int index) {
    int off = 0;
    for (TensorSpec t : layout.tensors()) {
      if (index < off + t.size()) {
        return t.name();
      }
      off += t.size();
    }
    return "?";
  }
}

package dev.fedge.server.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A cell's global model after a round, as a safetensors file of {@code F16} tensors (half the size
 * of float32: the study's {@code cnn} is 3.3 MB instead of 6.6 MB, under the repository's 5 MiB
 * per-file warning, so unfinished cells can be committed and resumed in a later session). Readable
 * by Python's {@code safetensors}. Written to a temporary file and moved into place, so a run
 * killed mid-write leaves the previous checkpoint.
 *
 * <p>Resuming from it rounds the global model to float16 once (about 3 significant digits).
 */
public final class Checkpoint {

  /** Metadata key of the round the model is from. */
  public static final String ROUND = "round";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoint() {}

  /**
   * A read checkpoint.
   *
   * @param round the round after which the model was saved
   * @param parameters the model (float16 values widened to float)
   * @param metadata the file's string metadata, the round included
   */
  public record Saved(int round, Parameters parameters, Map<String, String> metadata) {}

  /**
   * Writes a checkpoint atomically.
   *
   * @param file where
   * @param round the round the model is from
   * @param parameters the global model after that round
   * @param metadata more string metadata (cell, settings hash, ...)
   */
  public static void write(
      Path file, int round, Parameters parameters, Map<String, String> metadata)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("__metadata__");
    metadata.forEach(meta::put);
    meta.put(ROUND, Integer.toString(round));
    long offset = 0;
    for (TensorSpec t : parameters.layout().tensors()) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", "F16");
      var shape = node.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long end = offset + 2L * t.size();
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(root);
    int padded = (json.length + 7) / 8 * 8;
    float[] v = parameters.values();
    ByteBuffer buf = ByteBuffer.allocate(8 + padded + 2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(padded);
    buf.put(json);
    for (int i = json.length; i < padded; i++) {
      buf.put((byte) ' ');
    }
    for (float f : v) {
      buf.putShort(toHalf(f));
    }
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.write(tmp, buf.array());
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a checkpoint written by {@link #write}; the layout is the file's (tensors in the order of
   * their data).
   *
   * @param file the file
   * @return the round and the model
   * @throws IllegalArgumentException naming the file when it is not such a checkpoint
   */
  public static Saved read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw new IllegalArgumentException(file + ": not a checkpoint (" + bytes.length + " bytes)");
    }
    long headerLen = buf.getLong();
    if (headerLen <= 0 || headerLen > bytes.length - 8) {
      throw new IllegalArgumentException(
          file + ": not a checkpoint (header length " + headerLen + ")");
    }
    JsonNode root = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
    String roundText = root.path("__metadata__").path(ROUND).asText("");
    int round;
    try {
      round = Integer.parseInt(roundText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": no round in the metadata ('" + roundText + "')");
    }
    List<Map.Entry<String, JsonNode>> tensors = new ArrayList<>();
    root.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("__metadata__")) {
                tensors.add(e);
              }
            });
    tensors.sort(Comparator.comparingLong(e -> e.getValue().path("data_offsets").path(0).asLong()));
    List<TensorSpec> specs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : tensors) {
      if (!"F16".equals(e.getValue().path("dtype").asText())) {
        throw new IllegalArgumentException(file + ": tensor '" + e.getKey() + "' is not F16");
      }
      JsonNode shape = e.getValue().path("shape");
      int[] dims = new int[shape.size()];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = shape.get(d).asInt();
      }
      specs.add(new TensorSpec(e.getKey(), dims));
    }
    ParameterLayout layout = new ParameterLayout(specs);
    long dataStart = 8 + headerLen;
    if (dataStart + 2L * layout.totalSize() != bytes.length) {
      throw new IllegalArgumentException(
          file
              + ": "
              + (bytes.length - dataStart)
              + " data bytes, the header describes "
              + 2L * layout.totalSize());
    }
    buf.position((int) dataStart);
    float[] values = new float[layout.totalSize()];
    for (int k = 0; k < values.length; k++) {
      values[k] = toFloat(buf.getShort());
    }
    Map<String, String> metadata = new java.util.LinkedHashMap<>();
    root.path("__metadata__")
        .fields()
        .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    return new Saved(round, new Parameters(layout, values), Map.copyOf(metadata));
  }

  /** IEEE 754 binary16 of a float, rounding to nearest even; overflow becomes infinity. */
  static short toHalf(float f) {
    if (Float.isNaN(f)) {
      return (short) 0x7e00;
    }
    int sign = Float.floatToRawIntBits(f) >>> 16 & 0x8000;
    double a = Math.abs((double) f);
    int bits;
    if (a < 0x1p-14) {
      bits = (int) Math.rint(a / 0x1p-24); // subnormal; 1024 rolls over to the smallest normal
    } else {
      int e = Math.getExponent(a);
      int m = (int) Math.rint((a / Math.scalb(1.0, e) - 1) * 1024);
      if (m == 1024) {
        m = 0;
        e++;
      }
      bits = e > 15 ? 0x7c00 : (e + 15) << 10 | m;
    }
    return (short) (sign | bits);
  }

  /** The float of an IEEE 754 binary16. */
  static float toFloat(short h) {
    int e = h >>> 10 & 0x1f;
    int m = h & 0x3ff;
    double v;
    if (e == 0) {
      v = m * 0x1p-24;
    } else if (e == 31) {
      v = m == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = (1 + m / 1024.0) * Math.scalb(1.0, e - 15);
    }
    return (float) ((h & 0x8000) != 0 ? -v : v);
  }
}

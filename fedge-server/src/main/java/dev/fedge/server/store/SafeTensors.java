package dev.fedge.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * so fedge's models open in Python with {@code safetensors.torch.load_file}: an 8-byte
 * little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, and
 * the raw little-endian data. fedge writes {@code F32} tensors in layout order.
 */
public final class SafeTensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L * 1024 * 1024;

  private SafeTensors() {}

  /**
   * Writes parameters to a stream.
   *
   * @param parameters the model
   * @param metadata string metadata stored under {@code __metadata__}
   * @param out where to write; not closed
   */
  public static void write(Parameters parameters, Map<String, String> metadata, OutputStream out)
      throws IOException {
    byte[] header = header(parameters.layout(), metadata);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    len.putLong(header.length);
    out.write(len.array());
    out.write(header);
    float[] v = parameters.values();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(f);
    }
    out.write(buf.array(), 0, buf.position());
  }

  /** Writes parameters to a file. */
  public static void write(Parameters parameters, Map<String, String> metadata, Path file)
      throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(parameters, metadata, out);
    }
  }

  private static byte[] header(ParameterLayout layout, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (TensorSpec t : layout.tensors()) {
      ObjectNode node = root.putObject(t.name());
      node.put("dtype", "F32");
      var shape = node.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long end = offset + 4L * t.size();
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int padded = (json.length + 7) / 8 * 8;
    byte[] out = new byte[padded];
    System.arraycopy(json, 0, out, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      out[i] = ' ';
    }
    return out;
  }

  /** A model file's contents. */
  public record Contents(Parameters parameters, Map<String, String> metadata) {}

  /**
   * Reads a safetensors file of F32 tensors.
   *
   * @param file the file
   * @return parameters (tensors in file order) and metadata
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a valid safetensors file of F32 tensors
   */
  public static Contents read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.getFileName().toString(), Files.size(file));
    }
  }

  private static Contents read(InputStream in, String name, long fileSize) throws IOException {
    byte[] lenBytes = in.readNBytes(8);
    if (lenBytes.length < 8) {
      throw new IllegalArgumentException(name + ": truncated: no safetensors header");
    }
    long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > fileSize - 8) {
      throw new IllegalArgumentException(name + ": bad safetensors header length " + headerLen);
    }
    byte[] headerBytes = in.readNBytes((int) headerLen);
    JsonNode root;
    try {
      root = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new IllegalArgumentException(name + ": header is not valid JSON: " + e.getMessage());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    record Entry(String name, int[] shape, long begin, long end) {}
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("__metadata__")) {
        f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      JsonNode n = f.getValue();
      String dtype = n.path("dtype").asText();
      if (!dtype.equals("F32")) {
        throw new IllegalArgumentException(
            name + ": tensor '" + f.getKey() + "' has dtype " + dtype + ", only F32 is supported");
      }
      JsonNode shapeNode = n.path("shape");
      int[] shape = new int[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asInt();
      }
      JsonNode off = n.path("data_offsets");
      entries.add(new Entry(f.getKey(), shape, off.path(0).asLong(-1), off.path(1).asLong(-1)));
    }
    entries.sort(Comparator.comparingLong(Entry::begin));
    List<TensorSpec> specs = new ArrayList<>();
    long expect = 0;
    for (Entry e : entries) {
      TensorSpec spec = new TensorSpec(e.name(), e.shape());
      if (e.begin() != expect || e.end() - e.begin() != 4L * spec.size()) {
        throw new IllegalArgumentException(
            name + ": tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                + "], expected [" + expect + ", " + (expect + 4L * spec.size()) + "]");
      }
      expect = e.end();
      specs.add(spec);
    }
    if (8 + headerLen + expect != fileSize) {
      throw new IllegalArgumentException(
          name + ": expected " + (8 + headerLen + expect) + " bytes, file has " + fileSize);
    }
    ParameterLayout layout = new ParameterLayout(specs);
    float[] values = new float[layout.totalSize()];
    byte[] chunk = new byte[1 << 16];
    int vi = 0;
    long remaining = expect;
    while (remaining > 0) {
      int want = (int) Math.min(chunk.length, remaining);
      int got = in.readNBytes(chunk, 0, want);
      if (got < want) {
        throw new IllegalArgumentException(name + ": truncated tensor data");
      }
      ByteBuffer bb = ByteBuffer.wrap(chunk, 0, got).order(ByteOrder.LITTLE_ENDIAN);
      while (bb.remaining() >= 4) {
        values[vi++] = bb.getFloat();
      }
      remaining -= got;
    }
    return new Contents(new Parameters(layout, values), metadata);
  }
}

package dev.fedge.data.partition;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.fedge.data.DataFormatException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A split of a data set's samples {@code 0..size-1} across clients: every sample belongs to exactly
 * one client. Carries each client's label histogram, renders them as text, and saves to and loads
 * from JSON so a run folder can keep it.
 *
 * @param spec how it was made, e.g. {@code "dirichlet:0.5"}
 * @param seed the seed it was made with
 * @param numClasses number of classes; histograms have this length
 * @param clients sample indices per client, ascending
 * @param histograms per client, how many of its samples have each label
 */
public record Partition(
    String spec, long seed, int numClasses, int[][] clients, int[][] histograms) {

  /** Most labels a rendered line lists before it says how many more there are. */
  private static final int LINE_LABELS = 10;

  /**
   * Validates that the clients cover {@code 0..size-1} exactly once, that histograms match, and
   * copies.
   */
  public Partition {
    Objects.requireNonNull(spec, "spec");
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    if (clients.length == 0) {
      throw new IllegalArgumentException("clients: a partition needs at least one client");
    }
    if (histograms.length != clients.length) {
      throw new IllegalArgumentException(
          "histograms: " + histograms.length + " for " + clients.length + " clients");
    }
    clients = deepCopy(clients);
    histograms = deepCopy(histograms);
    int size = 0;
    for (int[] c : clients) {
      size += c.length;
    }
    BitSet seen = new BitSet(size);
    for (int c = 0; c < clients.length; c++) {
      Arrays.sort(clients[c]);
      for (int idx : clients[c]) {
        if (idx < 0 || idx >= size) {
          throw new IllegalArgumentException(
              "clients: index " + idx + " of client " + c + " is outside [0, " + size + ")");
        }
        if (seen.get(idx)) {
          throw new IllegalArgumentException("clients: sample " + idx + " is given twice");
        }
        seen.set(idx);
      }
      if (histograms[c].length != numClasses) {
        throw new IllegalArgumentException("histograms: client " + c + " has "
            + histograms[c].length + " counts for " + numClasses + " classes");
      }
      int sum = 0;
      for (int h : histograms[c]) {
        if (h < 0) {
          throw new IllegalArgumentException("histograms: client " + c + " has a count " + h);
        }
        sum += h;
      }
      if (sum != clients[c].length) {
        throw new IllegalArgumentException("histograms: client " + c + " counts " + sum
            + " samples but has " + clients[c].length);
      }
    }
  }

  /**
   * A partition with its histograms computed from the labels.
   *
   * @param spec how it was made
   * @param seed the seed it was made with
   * @param labels label of every sample
   * @param numClasses number of classes
   * @param clients sample indices per client
   * @return the partition
   * @throws IllegalArgumentException when the clients do not cover every sample exactly once
   */
  public static Partition of(
      String spec, long seed, int[] labels, int numClasses, int[][] clients) {
    int total = 0;
    for (int[] c : clients) {
      total += c.length;
    }
    if (total != labels.length) {
      throw new IllegalArgumentException(
          "clients: hold " + total + " samples, the data set has " + labels.length);
    }
    int[][] hist = new int[clients.length][numClasses];
    for (int c = 0; c < clients.length; c++) {
      for (int idx : clients[c]) {
        if (idx < 0 || idx >= labels.length) {
          throw new IllegalArgumentException(
              "clients: index " + idx + " of client " + c + " is outside [0, " + labels.length
                  + ")");
        }
        hist[c][labels[idx]]++;
      }
    }
    return new Partition(spec, seed, numClasses, clients, hist);
  }

  /** Copies of the sample indices per client. */
  @Override
  public int[][] clients() {
    return deepCopy(clients);
  }

  /** Copies of the label histograms per client. */
  @Override
  public int[][] histograms() {
    return deepCopy(histograms);
  }

  /** Number of clients. */
  public int numClients() {
    return clients.length;
  }

  /** Number of samples in all. */
  public int size() {
    int n = 0;
    for (int[] c : clients) {
      n += c.length;
    }
    return n;
  }

  /** A copy of client {@code c}'s sample indices, ascending. */
  public int[] indices(int c) {
    return clients[c].clone();
  }

  /** Number of samples of client {@code c}. */
  public int clientSize(int c) {
    return clients[c].length;
  }

  /** A copy of client {@code c}'s label histogram. */
  public int[] histogram(int c) {
    return histograms[c].clone();
  }

  /** Shannon entropy (bits) of client {@code c}'s label distribution; 0 for one label. */
  public double labelEntropy(int c) {
    double n = clients[c].length;
    double h = 0;
    for (int k : histograms[c]) {
      if (k > 0) {
        double p = k / n;
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    return h;
  }

  /** Mean over clients of {@link #labelEntropy}: lower means more label skew. */
  public double meanLabelEntropy() {
    double s = 0;
    for (int c = 0; c < clients.length; c++) {
      s += labelEntropy(c);
    }
    return s / clients.length;
  }

  /**
   * One short line for client {@code c}: {@code client 3 | n=600 | 0:300 7:300}, labels with
   * samples in order; with more than ten labels, the ten largest and {@code +K more}.
   */
  public String renderLine(int c) {
    int width = String.valueOf(clients.length - 1).length();
    StringBuilder b = new StringBuilder();
    b.append(String.format("client %" + width + "d | n=%d |", c, clients[c].length));
    int[] h = histograms[c];
    List<Integer> present = new ArrayList<>();
    for (int k = 0; k < h.length; k++) {
      if (h[k] > 0) {
        present.add(k);
      }
    }
    List<Integer> shown = present;
    if (present.size() > LINE_LABELS) {
      shown = new ArrayList<>(present);
      shown.sort((x, y) -> h[y] != h[x] ? Integer.compare(h[y], h[x]) : Integer.compare(x, y));
      shown = new ArrayList<>(shown.subList(0, LINE_LABELS));
      shown.sort(null);
    }
    for (int k : shown) {
      b.append(' ').append(k).append(':').append(h[k]);
    }
    if (shown.size() < present.size()) {
      b.append(" +").append(present.size() - shown.size()).append(" more");
    }
    return b.toString();
  }

  /** All clients' lines ({@link #renderLine}), each ending with a line break. */
  public String render() {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < clients.length; c++) {
      b.append(renderLine(c)).append('\n');
    }
    return b.toString();
  }

  /**
   * {@link #render()}, after checking that {@code labels} are the ones this partition was made
   * from (its histograms must match them).
   *
   * @param labels label of every sample
   * @param numClasses number of classes
   * @return one line per client
   * @throws IllegalArgumentException when the labels do not match the histograms
   */
  public String histogramText(int[] labels, int numClasses) {
    if (labels.length != size() || numClasses != this.numClasses) {
      throw new IllegalArgumentException("labels: " + labels.length + " labels of " + numClasses
          + " classes, the partition has " + size() + " samples of " + this.numClasses);
    }
    for (int c = 0; c < clients.length; c++) {
      int[] h = new int[numClasses];
      for (int i : clients[c]) {
        h[labels[i]]++;
      }
      if (!Arrays.equals(h, histograms[c])) {
        throw new IllegalArgumentException(
            "labels: client " + c + "'s labels do not match its histogram");
      }
    }
    return render();
  }

  /** This partition as JSON: spec, seed, numClasses, size and per client n, histogram, indices. */
  public String toJson() {
    StringWriter out = new StringWriter(size() * 7 + 256);
    try (JsonGenerator g = PartitionJson.generator(out)) {
      g.writeStartObject();
      g.writeStringField("spec", spec);
      g.writeNumberField("seed", seed);
      g.writeNumberField("numClasses", numClasses);
      g.writeNumberField("size", size());
      g.writeArrayFieldStart("clients");
      for (int c = 0; c < clients.length; c++) {
        g.writeStartObject();
        g.writeNumberField("client", c);
        g.writeNumberField("n", clients[c].length);
        g.writeFieldName("histogram");
        g.writeArray(histograms[c], 0, histograms[c].length);
        g.writeFieldName("indices");
        g.writeArray(clients[c], 0, clients[c].length);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.append('\n').toString();
  }

  /**
   * Reads a partition written by {@link #toJson}.
   *
   * @param json the text
   * @return the partition
   * @throws IllegalArgumentException naming what is missing or inconsistent
   */
  public static Partition fromJson(String json) {
    JsonNode m = PartitionJson.parse(json);
    if (!m.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    String spec = field(m, "spec", JsonNodeType.STRING).textValue();
    long seed = integer(m, "seed");
    int numClasses = Math.toIntExact(integer(m, "numClasses"));
    long size = integer(m, "size");
    JsonNode list = field(m, "clients", JsonNodeType.ARRAY);
    int[][] clients = new int[list.size()][];
    int[][] hist = new int[list.size()][];
    for (int c = 0; c < list.size(); c++) {
      JsonNode cm = list.get(c);
      if (!cm.isObject()) {
        throw new IllegalArgumentException("clients[" + c + "]: expected an object");
      }
      clients[c] = ints(field(cm, "indices", JsonNodeType.ARRAY), "clients[" + c + "].indices");
      hist[c] = ints(field(cm, "histogram", JsonNodeType.ARRAY), "clients[" + c + "].histogram");
      long n = integer(cm, "n");
      if (n != clients[c].length) {
        throw new IllegalArgumentException(
            "clients[" + c + "]: n is " + n + " but it has " + clients[c].length + " indices");
      }
    }
    Partition p = new Partition(spec, seed, numClasses, clients, hist);
    if (p.size() != size) {
      throw new IllegalArgumentException(
          "size is " + size + " but the clients hold " + p.size() + " samples");
    }
    return p;
  }

  /**
   * Writes {@link #toJson} to a file (through a temporary file, then renamed).
   *
   * @param file the file
   * @throws IOException when it cannot be written
   */
  public void save(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a file written by {@link #save}.
   *
   * @param file the file
   * @return the partition
   * @throws DataFormatException naming the file when its content is not a valid partition
   * @throws IOException when it cannot be read
   */
  public static Partition load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromJson(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new DataFormatException(String.valueOf(file), e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Partition p && seed == p.seed && numClasses == p.numClasses
        && spec.equals(p.spec) && Arrays.deepEquals(clients, p.clients)
        && Arrays.deepEquals(histograms, p.histograms);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, seed, numClasses, Arrays.deepHashCode(clients));
  }

  @Override
  public String toString() {
    return "Partition[" + spec + ", seed " + seed + ", " + clients.length + " clients, " + size()
        + " samples]";
  }

  private static JsonNode field(JsonNode m, String key, JsonNodeType type) {
    JsonNode v = m.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + key + "'");
    }
    if (v.getNodeType() != type) {
      throw new IllegalArgumentException(
          "field '" + key + "' should be a " + type.name().toLowerCase(Locale.ROOT) + ", got " + v);
    }
    return v;
  }

  private static long integer(JsonNode m, String key) {
    JsonNode v = field(m, key, JsonNodeType.NUMBER);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("field '" + key + "' should be an integer, got " + v);
    }
    return v.longValue();
  }

  private static int[] ints(JsonNode l, String what) {
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = l.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new IllegalArgumentException(what + "[" + i + "]: not an integer: " + v);
      }
      out[i] = v.intValue();
    }
    return out;
  }

  private static int[][] deepCopy(int[][] a) {
    int[][] out = new int[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}

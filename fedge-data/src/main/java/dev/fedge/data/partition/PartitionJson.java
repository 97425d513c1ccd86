package dev.fedge.data.partition;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Jackson set up for {@code partition.json}: the layout {@link Partition#toJson} has always had
 * (one line per client, its arrays without spaces, so the file stays small and readable) and
 * parse errors as one line naming the character offset.
 */
final class PartitionJson {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private PartitionJson() {}

  /** A generator writing to {@code out} in the partition layout. */
  static JsonGenerator generator(Writer out) {
    try {
      return MAPPER.getFactory().createGenerator(out).setPrettyPrinter(new Layout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a JSON text.
   *
   * @throws IllegalArgumentException naming the character offset of the first error
   */
  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String what = firstLine(e.getOriginalMessage());
      throw new IllegalArgumentException(
          "bad JSON at character " + (at == null ? "?" : at.getCharOffset()) + ": " + what, e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Whitespace by nesting depth: the root object one field a line, the {@code clients} array one
   * client a line, a client's fields on that line with {@code ", "}, its arrays with bare commas.
   */
  private static final class Layout implements PrettyPrinter {

    private static int depth(JsonGenerator g) {
      return g.getOutputContext().getNestingDepth();
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      if (depth(g) == 1) {
        g.writeRaw("\n  ");
      }
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth(g) == 1 ? ",\n  " : ", ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      g.writeRaw(depth(g) == 1 && entries > 0 ? "\n}" : "}");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      if (depth(g) == 2) {
        g.writeRaw("\n    ");
      }
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth(g) == 2 ? ",\n    " : ",");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      g.writeRaw(depth(g) == 2 ? "\n  ]" : "]");
    }
  }
}

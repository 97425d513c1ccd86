package dev.fedge.fleet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-host result lines in the form Ansible's ad-hoc commands print them:
 *
 * <pre>
 * rpi6404 | SUCCESS => {"ping": "pong"}
 * rpi6405 | UNREACHABLE! => {"msg": "connect to edge.example.org:39005 failed: Connection refused", "unreachable": true}
 * w01 | FAILED! => {"msg": "command timed out after 60 s: nvidia-smi"}
 * tx2_01 | CHANGED | rc=0 >>
 * (the command's output)
 * </pre>
 */
public final class AnsibleFormat {

  /** JSON on one line with {@code ", "} and {@code ": "} separators; NaN and infinities as null. */
  private static final ObjectWriter JSON = JsonMapper.builder()
      .addModule(new SimpleModule().addSerializer(Double.class, new FiniteDouble()))
      .build()
      .writer(new AnsibleSpacing());

  private AnsibleFormat() {}

  /**
   * Writes a value as JSON on one line, with {@code ", "} and {@code ": "} separators as Ansible
   * prints them.
   *
   * @param value a {@link Map} (keys as strings, in iteration order), {@link java.util.List},
   *     {@link CharSequence}, {@link Number}, {@link Boolean} or {@code null}; a double that is not
   *     finite is written as {@code null}
   * @return the JSON text
   */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host | SUCCESS => {json}}. */
  public static String success(String host, Map<String, ?> result) {
    return host + " | SUCCESS => " + json(result);
  }

  /** {@code host | CHANGED => {json}}. */
  public static String changed(String host, Map<String, ?> result) {
    return host + " | CHANGED => " + json(result);
  }

  /** {@code host | STATUS => text}, e.g. {@code rpi6404 | OK => 0 files copied, 42 unchanged}. */
  public static String line(String host, String status, String text) {
    return host + " | " + status + " => " + text;
  }

  /** {@code host | FAILED! => {"msg": "..."}}. */
  public static String failed(String host, String message) {
    return host + " | FAILED! => " + json(Map.of("msg", message));
  }

  /** {@code host | UNREACHABLE! => {"msg": "...", "unreachable": true}}. */
  public static String unreachable(String host, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("msg", message);
    m.put("unreachable", true);
    return host + " | UNREACHABLE! => " + json(m);
  }

  /** The line of a failed or unreachable outcome. */
  public static String failure(Outcome<?> o) {
    return o.state() == Outcome.State.UNREACHABLE
        ? unreachable(o.host().name(), o.message())
        : failed(o.host().name(), o.message());
  }

  /**
   * A shell command's result, as {@code ansible -m shell} prints it: {@code host | CHANGED | rc=0
   * >>} (or {@code FAILED | rc=N}) then the output.
   */
  public static String shell(String host, CommandResult r) {
    return output(host, r.ok() ? "CHANGED" : "FAILED", r);
  }

  /**
   * A command's result with a given status word: {@code host | STATUS | rc=N >>} then the output
   * (standard output, then standard error).
   */
  public static String output(String host, String status, CommandResult r) {
    String out = r.output();
    if (out.endsWith("\n")) {
      out = out.substring(0, out.length() - 1);
    }
    return host + " | " + status + " | rc=" + r.exitCode() + " >>"
        + (out.isEmpty() ? "" : "\n" + out);
  }

  /** Ansible's spacing: {@code {"a": 1, "b": [1, 2]}}. */
  private static final class AnsibleSpacing extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }

  /** A double as JSON; NaN and infinities (which JSON lacks) as {@code null}. */
  private static final class FiniteDouble extends JsonSerializer<Double> {
    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (v.isNaN() || v.isInfinite()) {
        g.writeNull();
      } else {
        g.writeNumber(v);
      }
    }
  }
}

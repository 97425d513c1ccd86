package dev.fedge.fleet;

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

  private AnsibleFormat() {}

  /** {@code host | SUCCESS => {json}}. */
  public static String success(String host, Map<String, ?> result) {
    return host + " | SUCCESS => " + Json.write(result);
  }

  /** {@code host | CHANGED => {json}}. */
  public static String changed(String host, Map<String, ?> result) {
    return host + " | CHANGED => " + Json.write(result);
  }

  /** {@code host | STATUS => text}, e.g. {@code rpi6404 | OK => 0 files copied, 42 unchanged}. */
  public static String line(String host, String status, String text) {
    return host + " | " + status + " => " + text;
  }

  /** {@code host | FAILED! => {"msg": "..."}}. */
  public static String failed(String host, String message) {
    return host + " | FAILED! => " + Json.write(Map.of("msg", message));
  }

  /** {@code host | UNREACHABLE! => {"msg": "...", "unreachable": true}}. */
  public static String unreachable(String host, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("msg", message);
    m.put("unreachable", true);
    return host + " | UNREACHABLE! => " + Json.write(m);
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
}

package dev.fedge.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the edge client runs on a host, as {@code fedge fleet start/stop/status} report it.
 *
 * @param state {@code running}, {@code stopped} or {@code not-deployed}
 * @param pid the process id when running (or just stopped), else 0
 * @param changed whether the command changed anything (started or stopped a process)
 * @param message a one-line note, e.g. {@code already running}
 */
public record ClientState(String state, long pid, boolean changed, String message) {

  /** Checks the fields. */
  public ClientState {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    if (!state.equals("running") && !state.equals("stopped") && !state.equals("not-deployed")) {
      throw new IllegalArgumentException(
          "state must be running, stopped or not-deployed, got '" + state + "'");
    }
    if (pid < 0) {
      throw new IllegalArgumentException("pid must not be negative, got " + pid);
    }
  }

  /** Whether the client is running. */
  public boolean running() {
    return state.equals("running");
  }

  /** The state as a map for JSON output: state, pid (when known), msg (when set). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", state);
    if (pid > 0) {
      m.put("pid", pid);
    }
    if (!message.isEmpty()) {
      m.put("msg", message);
    }
    return m;
  }

  /**
   * Reads the {@code key=value} lines the control scripts print ({@code state=running}, {@code
   * pid=123}, {@code changed=true}, {@code msg=...}).
   *
   * @throws IllegalArgumentException when there is no {@code state=} line
   */
  static ClientState parse(String output) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : output.split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    String state = kv.get("state");
    if (state == null) {
      throw new IllegalArgumentException("unexpected reply: '" + output.strip() + "'");
    }
    long pid = 0;
    try {
      pid = Long.parseLong(kv.getOrDefault("pid", "0"));
    } catch (NumberFormatException e) {
      pid = 0;
    }
    return new ClientState(state, pid, Boolean.parseBoolean(kv.get("changed")),
        kv.getOrDefault("msg", ""));
  }
}

package dev.fedge.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import dev.fedge.web.view.DeviceInfo;
import dev.fedge.web.view.EventInfo;
import dev.fedge.web.view.RoundInfo;
import dev.fedge.web.view.RunInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of the API: each view record becomes a map with stable keys, times as ISO-8601
 * strings and numbers that are not finite (an unmeasured accuracy, a device without temperature
 * sensor) as {@code null}, since JSON has no NaN.
 */
final class JsonViews {

  /** The mapper of the API. */
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private JsonViews() {}

  static Map<String, Object> device(DeviceInfo d) {
    Map<String, Object> m = new LinkedHashMap<>();
    DeviceFacts f = d.facts();
    m.put("id", d.id());
    m.put("name", d.name());
    m.put("class", f.deviceClass());
    m.put("online", d.online());
    m.put("lastSeen", time(d.lastSeen()));
    m.put("rounds", d.rounds());
    m.put("memoryBytes", f.memoryBytes());
    Map<String, Object> speed = new LinkedHashMap<>();
    speed.put("imagesPerSecond", num(d.speed().imagesPerSecond()));
    speed.put("stepsPerSecond", num(d.speed().stepsPerSecond()));
    speed.put("tasks", d.speed().tasks());
    m.put("speed", speed);
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("os", f.os());
    facts.put("arch", f.arch());
    facts.put("cores", f.cores());
    facts.put("memoryBytes", f.memoryBytes());
    facts.put("heapBytes", f.heapBytes());
    facts.put("accelerator", f.accelerator());
    facts.put("deviceClass", f.deviceClass());
    facts.put("extra", new TreeMap<>(f.extra()));
    m.put("facts", facts);
    m.put("telemetry", d.telemetry().map(JsonViews::telemetry).orElse(null));
    return m;
  }

  static Map<String, Object> telemetry(Telemetry t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("temperatureC", num(t.cpuTemperatureC()));
    m.put("freeMemoryBytes", t.freeMemoryBytes() < 0 ? null : t.freeMemoryBytes());
    m.put("load", num(t.loadAverage()));
    m.put(
        "time",
        t.timestampMillis() <= 0 ? null : Instant.ofEpochMilli(t.timestampMillis()).toString());
    return m;
  }

  static Map<String, Object> run(RunInfo r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("group", r.group());
    m.put("project", r.project());
    m.put("status", r.status());
    m.put("round", r.round());
    m.put("rounds", r.rounds());
    m.put("strategy", r.config().get("strategy"));
    m.put("model", r.config().get("model"));
    m.put("dataset", r.config().get("dataset"));
    m.put("created", time(r.created()));
    m.put("updated", time(r.updated()));
    m.put("config", r.config());
    return m;
  }

  static Map<String, Object> round(RoundInfo r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("round", r.round());
    m.put("accuracy", num(r.accuracy()));
    m.put("loss", num(r.loss()));
    m.put("seconds", num(r.seconds()));
    m.put("finished", time(r.finished()));
    Map<String, Object> metrics = new TreeMap<>();
    r.metrics().forEach((k, v) -> metrics.put(k, num(v)));
    m.put("metrics", metrics);
    m.put("participants", r.participants());
    List<Map<String, Object>> failures = new ArrayList<>();
    for (ClientFailure f : r.failures()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("clientId", f.clientId());
      fm.put("reason", f.reason());
      failures.add(fm);
    }
    m.put("failures", failures);
    return m;
  }

  static Map<String, Object> step(dev.fedge.web.view.StepInfo s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", s.runId());
    m.put("step", s.step());
    m.put("status", s.status());
    m.put("started", time(s.started()));
    m.put("finished", time(s.finished()));
    m.put("seconds", s.started() == null || s.finished() == null ? null
        : java.time.Duration.between(s.started(), s.finished()).toMillis() / 1000.0);
    m.put("line", s.line());
    return m;
  }

  static Map<String, Object> event(EventInfo e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("time", time(e.time()));
    m.put("type", e.type());
    m.put("runId", e.runId());
    m.put("clientId", e.clientId());
    m.put("message", e.message());
    return m;
  }

  static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}

package dev.fedge.server.pipeline;

import dev.fedge.server.settings.Durations;
import dev.fedge.server.store.ModelAliases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The steps part of a run spec document: which steps run (default all five, in order) and their
 * options. The rest of the document is the run's settings ({@code POST /api/v1/runs}'s keys).
 *
 * <pre>{@code
 * rounds: 3
 * min-clients: 2
 * steps: [check, data, train, evaluate, serve]   # the default
 * check: {min_devices: 2, classes: {rpi: 1}, timeout: 60s}
 * serve: {alias: production, pick: best}          # best (central accuracy) or last
 * }</pre>
 *
 * @param steps the steps, in order, {@code train} among them
 * @param check options of {@code check}
 * @param serve options of {@code serve}
 */
public record PipelineSpec(List<Step> steps, CheckOptions check, ServeOptions serve) {

  /** The document keys that belong to the steps, not to the run's settings. */
  public static final Set<String> KEYS = Set.of("steps", "check", "data", "train", "evaluate",
      "serve");

  /**
   * Options of {@code check}.
   *
   * @param minDevices devices of the run's project that must be online; 0: the run's min-clients
   * @param classes device class ({@code DeviceFacts.deviceClass()}) to how many of it must be
   *     online
   * @param timeout how long to wait for them
   */
  public record CheckOptions(int minDevices, Map<String, Integer> classes, Duration timeout) {

    /** The defaults: the run's min-clients, any class, 60 s. */
    public static final CheckOptions DEFAULT = new CheckOptions(0, Map.of(), Duration.ofSeconds(60));

    /** Validates and copies. */
    public CheckOptions {
      if (minDevices < 0) {
        throw new IllegalArgumentException("check.min_devices: expected a positive integer, got "
            + minDevices);
      }
      classes = Map.copyOf(classes == null ? Map.of() : new LinkedHashMap<>(classes));
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("check.timeout: expected a positive duration, got "
            + timeout);
      }
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (minDevices > 0) {
        m.put("min_devices", minDevices);
      }
      m.put("classes", new java.util.TreeMap<>(classes));
      m.put("timeout", Durations.format(timeout));
      return m;
    }
  }

  /** Which round {@code serve} promotes. */
  public enum Pick {
    /** The round with the best central accuracy (lowest loss without accuracy). */
    BEST,
    /** The last round. */
    LAST
  }

  /**
   * Options of {@code serve}.
   *
   * @param alias the project's alias that names the round ({@code production} by default)
   * @param pick which round
   */
  public record ServeOptions(String alias, Pick pick) {

    /** The defaults: {@code production}, the best round. */
    public static final ServeOptions DEFAULT = new ServeOptions("production", Pick.BEST);

    /** Validates. */
    public ServeOptions {
      try {
        ModelAliases.checkAlias(alias);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("serve.alias: " + e.getMessage(), e);
      }
      if (pick == null) {
        throw new IllegalArgumentException("serve.pick: expected best or last, got null");
      }
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alias", alias);
      m.put("pick", pick.name().toLowerCase(Locale.ROOT));
      return m;
    }
  }

  /** Validates and copies. */
  public PipelineSpec {
    steps = List.copyOf(steps);
    if (!steps.contains(Step.TRAIN)) {
      throw new IllegalArgumentException("steps: must include 'train', got " + ids(steps));
    }
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).compareTo(steps.get(i - 1)) <= 0) {
        throw new IllegalArgumentException("steps: '" + steps.get(i).id() + "' "
            + (steps.get(i) == steps.get(i - 1) ? "is listed twice"
                : "must come before '" + steps.get(i - 1).id() + "'")
            + " (the order is " + Step.names() + ")");
      }
    }
    check = check == null ? CheckOptions.DEFAULT : check;
    serve = serve == null ? ServeOptions.DEFAULT : serve;
  }

  /** All five steps with default options. */
  public static PipelineSpec defaults() {
    return new PipelineSpec(Step.ALL, null, null);
  }

  /**
   * Takes the steps part out of a run spec document.
   *
   * @param document the whole document; its step keys ({@link #KEYS}) are removed from it
   * @return the steps, or empty when the document has none of their keys (a plain run)
   * @throws IllegalArgumentException naming the key and what was wrong
   */
  public static Optional<PipelineSpec> take(Map<String, Object> document) {
    Map<String, Object> mine = new LinkedHashMap<>();
    for (String k : List.copyOf(document.keySet())) {
      if (KEYS.contains(k)) {
        mine.put(k, document.remove(k));
      }
    }
    return mine.isEmpty() ? Optional.empty() : Optional.of(parse(mine));
  }

  /**
   * Parses the steps part of a document.
   *
   * @param m keys of {@link #KEYS} only
   * @return the spec
   * @throws IllegalArgumentException naming the key and what was wrong
   */
  public static PipelineSpec parse(Map<String, ?> m) {
    for (String k : m.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key '" + k + "' (step keys: steps, "
            + Step.names() + ")");
      }
    }
    List<Step> steps = m.get("steps") == null ? Step.ALL : steps(m.get("steps"));
    for (Step s : Step.ALL) {
      if (m.get(s.id()) != null && !steps.contains(s)) {
        throw new IllegalArgumentException(s.id() + ": options given, but '" + s.id()
            + "' is not in steps " + ids(steps));
      }
    }
    for (Step s : List.of(Step.DATA, Step.TRAIN, Step.EVALUATE)) {
      Map<String, Object> o = options(s.id(), m.get(s.id()));
      if (!o.isEmpty()) {
        throw new IllegalArgumentException(s.id() + ": unknown key '" + o.keySet().iterator().next()
            + "' (" + s.id() + " takes no options" + (s == Step.TRAIN ? "; the run's settings"
                + " are top-level keys" : "") + ")");
      }
    }
    return new PipelineSpec(steps, check(options("check", m.get("check"))),
        serve(options("serve", m.get("serve"))));
  }

  /** The options of each step, as {@link #parse} reads them back. */
  public Map<Step, Map<String, Object>> options() {
    Map<Step, Map<String, Object>> out = new LinkedHashMap<>();
    for (Step s : steps) {
      out.put(s, s == Step.CHECK ? check.toMap() : s == Step.SERVE ? serve.toMap() : Map.of());
    }
    return out;
  }

  /** The document form of this spec: {@code steps} and each step's options. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", ids(steps));
    options().forEach((s, o) -> {
      if (!o.isEmpty()) {
        m.put(s.id(), o);
      }
    });
    return m;
  }

  private static List<String> ids(List<Step> steps) {
    return steps.stream().map(Step::id).toList();
  }

  private static List<Step> steps(Object v) {
    if (!(v instanceof List<?> l) || l.isEmpty()) {
      throw new IllegalArgumentException("steps: expected a list of steps (" + Step.names()
          + "), got " + describe(v));
    }
    List<Step> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException("steps: expected step names, got " + describe(o));
      }
      out.add(Step.of(s.strip()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> options(String step, Object v) {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(step + ": expected a map of options, got " + describe(v));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, x) -> out.put(String.valueOf(k).replace('-', '_'), x));
    return out;
  }

  private static CheckOptions check(Map<String, Object> o) {
    CheckOptions d = CheckOptions.DEFAULT;
    int min = d.minDevices();
    Map<String, Integer> classes = new LinkedHashMap<>();
    Duration timeout = d.timeout();
    for (Map.Entry<String, Object> e : o.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "min_devices" -> min = positive("check.min_devices", v);
        case "classes" -> {
          if (!(v instanceof Map<?, ?> cm)) {
            throw new IllegalArgumentException("check.classes: expected a map of device class to"
                + " count, e.g. {rpi: 1}, got " + describe(v));
          }
          for (Map.Entry<?, ?> c : cm.entrySet()) {
            String name = String.valueOf(c.getKey()).strip();
            if (name.isEmpty()) {
              throw new IllegalArgumentException("check.classes: empty device class name");
            }
            classes.put(name, positive("check.classes." + name, c.getValue()));
          }
        }
        case "timeout" -> {
          try {
            timeout = Durations.parse(v instanceof Number n ? n + "s" : String.valueOf(v));
          } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("check.timeout: " + x.getMessage(), x);
          }
        }
        default -> throw new IllegalArgumentException("check: unknown key '" + e.getKey()
            + "' (known: min_devices, classes, timeout)");
      }
    }
    return new CheckOptions(min, classes, timeout);
  }

  private static ServeOptions serve(Map<String, Object> o) {
    String alias = ServeOptions.DEFAULT.alias();
    Pick pick = ServeOptions.DEFAULT.pick();
    for (Map.Entry<String, Object> e : o.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "alias" -> alias = v instanceof String s ? s : describe(v);
        case "pick" -> {
          if ("best".equals(v)) {
            pick = Pick.BEST;
          } else if ("last".equals(v)) {
            pick = Pick.LAST;
          } else {
            throw new IllegalArgumentException("serve.pick: expected best or last, got "
                + describe(v));
          }
        }
        default -> throw new IllegalArgumentException("serve: unknown key '" + e.getKey()
            + "' (known: alias, pick)");
      }
    }
    return new ServeOptions(alias, pick);
  }

  private static int positive(String key, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long n = ((Number) v).longValue();
      if (n >= 1 && n <= Integer.MAX_VALUE) {
        return (int) n;
      }
    }
    throw new IllegalArgumentException(key + ": expected a positive integer, got " + describe(v));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof Map) {
      return "a map";
    }
    if (v instanceof List) {
      return "a list";
    }
    return "'" + v + "'";
  }
}

package dev.fedge.server.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fedge.data.DatasetLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds settings to {@link RunSettings} with Jackson: from a YAML file, the API's JSON object, or
 * the flags' values. Keys are the flags' names without the dashes in front ({@code local-epochs});
 * a key the use does not take is refused with the list of those it takes. {@code strategy} may be a
 * map with {@code name} and the options (YAML), and {@code strategy.<option>} a single option (the
 * API); both end in {@code strategy-opts}.
 */
public final class RunSettingsBinder {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private static final String OPTS = "strategy-opts";
  private static final String STRATEGY_DOT = "strategy.";
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private RunSettingsBinder() {}

  /** Where settings are used: each use takes its own keys, with its own defaults. */
  public enum Use {
    /** {@code fedge simulate} and the accuracy study (the keys of a simulate YAML file). */
    SIMULATE(List.of("name", "task", "dataset", "model", "strategy", OPTS, "clients", "fraction", "rounds",
        "local-epochs", "batch-size", "lr", "momentum", "weight-decay", "partition", "seed",
        "threads", "out", "data-dir", "fraction-evaluate", "test-limit", "client-test-limit",
        "train-limit", "client-speeds", "fleet", "local-work", "round-deadline",
        "min-local-steps", "widths"), 4, 2, 2, 1),
    /** {@code fedge server}'s run. */
    SERVER(List.of("name", "task", "group", "project", "rounds", "min-clients", "min-results",
        "round-timeout", "codec", "strategy", OPTS, "dataset", "model", "data-dir", "seed",
        "fraction", "fraction-evaluate", "local-epochs", "batch-size", "lr", "momentum",
        "weight-decay", "test-limit", "threads", "local-work", "round-deadline",
        "min-local-steps", "widths"), 3, 1, 0, 2),
    /**
     * {@code POST /api/v1/runs}: the server's keys, the name as {@code id} (default {@code
     * <dataset>-<strategy>-<UTC time>}), strategy options as {@code strategy.<option>}.
     */
    API(List.of("id", "task", "group", "project", "rounds", "min-clients", "min-results",
        "round-timeout", "codec", "strategy", "dataset", "model", "data-dir", "seed",
        "fraction", "fraction-evaluate", "local-epochs", "batch-size", "lr", "momentum",
        "weight-decay", "test-limit", "threads", "local-work", "round-deadline",
        "min-local-steps", "widths"), 3, 1, 0, 2);

    private final List<String> keys;
    private final Map<String, Object> defaults;

    Use(List<String> keys, int rounds, int localEpochs, int threads, int minClients) {
      this.keys = keys;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("task", "classify");
      d.put("dataset", "fashion-mnist");
      d.put("model", "cnn");
      d.put("strategy", "fedavg");
      d.put("clients", 10);
      d.put("fraction", 1.0);
      d.put("rounds", rounds);
      d.put("local-epochs", localEpochs);
      d.put("batch-size", 32);
      d.put("lr", 0.01);
      d.put("momentum", 0.9);
      d.put("weight-decay", 0.0);
      d.put("partition", "iid");
      d.put("seed", 42L);
      d.put("threads", threads);
      d.put("fraction-evaluate", 0.0);
      d.put("test-limit", 0);
      d.put("client-test-limit", 1000);
      d.put("train-limit", 0);
      d.put("client-speeds", List.of(1.0));
      d.put("min-clients", minClients);
      d.put("min-results", 1);
      d.put("round-timeout", "120s");
      d.put("codec", "float32");
      d.put("group", "default");
      d.put("local-work", "epochs");
      d.put("min-local-steps", 1);
      this.defaults = java.util.Collections.unmodifiableMap(d);
    }

    /** The keys this use takes, in the order of its help and its files. */
    public List<String> keys() {
      return keys;
    }

    /** The default of a key (the data folder: {@code -Dfedge.data.dir}, else {@code data}). */
    public Object defaultOf(String key) {
      if (key.equals("data-dir")) {
        return System.getProperty(DatasetLocator.DATA_DIR_PROPERTY, "data");
      }
      return defaults.get(key);
    }
  }

  /**
   * Binds settings; what is not given takes the use's default. A missing name is made from the
   * data set, the strategy (and for simulate the partition and seed) by {@link RunNames#clean}.
   *
   * @param use which keys and defaults
   * @param given key to value: strings (flags), numbers, booleans, lists and maps (YAML, JSON);
   *     {@code null} values count as not given
   * @return the validated settings
   * @throws IllegalArgumentException for an unknown key, a value of the wrong type or out of range,
   *     naming the key and the value
   */
  public static RunSettings bind(Use use, Map<String, ?> given) {
    Map<String, Object> m = normalise(use, given);
    expandFleet(m);
    // local-work deadline keeps the strategy given (default fedavg): FedNova's normalisation,
    // which removes the objective bias of unequal local work (Wang et al. 2020), diverged when
    // the steps differed 8x on non-IID data (docs/HETEROGENEITY.md), so it is not the default
    Map<String, Object> all = new LinkedHashMap<>();
    if (use == Use.API && m.containsKey("id")) {
      all.put("name", m.remove("id"));
    }
    for (String k : use.keys()) {
      if (!k.equals("id")) {
        all.put(k, m.containsKey(k) ? m.get(k) : use.defaultOf(k));
      }
    }
    if (m.containsKey(OPTS)) {
      all.put(OPTS, m.get(OPTS));
    }
    for (String k : Use.SIMULATE.keys()) {
      all.putIfAbsent(k, use.defaultOf(k));
    }
    for (String k : Use.SERVER.keys()) {
      all.putIfAbsent(k, use.defaultOf(k));
    }
    RunSettings s = convert(all);
    String name = s.name();
    if (name == null) {
      String raw = (s.reid() ? "reid-" : "") + s.dataset() + "-" + s.strategy();
      if (use == Use.SIMULATE) {
        raw += "-" + s.partition() + "-s" + s.seed();
      } else if (use == Use.API) {
        raw += "-" + ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME);
      }
      name = RunNames.clean(raw);
    }
    return s.named(name);
  }

  private static RunSettings convert(Map<String, Object> all) {
    try {
      return MAPPER.convertValue(all, RunSettings.class);
    } catch (IllegalArgumentException e) {
      // our own checks (the record's, the deserializers'), wrapped by Jackson: the deepest one
      IllegalArgumentException own = null;
      JsonMappingException mapping = null;
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IllegalArgumentException iae) {
          own = iae;
        }
        if (mapping == null && c instanceof JsonMappingException jm && !jm.getPath().isEmpty()) {
          mapping = jm;
        }
      }
      if (own != null) {
        throw new IllegalArgumentException(own.getMessage(), e);
      }
      if (mapping != null) {
        String key = mapping.getPath().get(0).getFieldName();
        Object v = mapping instanceof InvalidFormatException f ? f.getValue() : all.get(key);
        Class<?> want = mapping instanceof MismatchedInputException f ? f.getTargetType() : null;
        throw new IllegalArgumentException(
            "setting '" + key + "': expected " + kind(want, key) + ", got '" + v + "'", e);
      }
      throw e;
    }
  }

  private static String kind(Class<?> type, String key) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (key.equals(OPTS)) {
      return "key: value pairs";
    }
    return "a single value";
  }

  /** Folds the strategy's map and {@code strategy.<option>} keys into {@code strategy-opts}; refuses unknown keys. */
  private static Map<String, Object> normalise(Use use, Map<String, ?> raw) {
    Map<String, Object> given = foldStrategy(raw);
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> opts = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : given.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      if (use != Use.SIMULATE && key.startsWith(STRATEGY_DOT)) {
        opts.put(key.substring(STRATEGY_DOT.length()), scalar(key, v));
        continue;
      }
      if (key.equals(OPTS)) {
        if (!(v instanceof Map<?, ?> om)) {
          throw new IllegalArgumentException(
              "setting '" + OPTS + "': expected key: value pairs, got '" + v + "'");
        }
        om.forEach((k, o) -> opts.put(String.valueOf(k), scalar("strategy." + k, o)));
        continue;
      }
      if (!use.keys().contains(key)) {
        String dashed = key.replace('_', '-');
        String hint = use.keys().contains(dashed) ? " (did you mean '" + dashed + "'?)" : "";
        throw new IllegalArgumentException("unknown setting '" + key + "'" + hint + "; known settings: "
            + String.join(", ", use.keys()) + (use == Use.API ? ", strategy.<option>" : ""));
      }
      if (key.equals("fleet")) {
        m.put(key, v);
        continue;
      }
      if (v instanceof Map || (v instanceof List && !key.equals("client-speeds"))) {
        throw new IllegalArgumentException(
            "setting '" + key + "': expected a single value, got " + v);
      }
      m.put(key, v);
    }
    if (!opts.isEmpty()) {
      m.put(OPTS, opts);
    }
    return m;
  }

  /**
   * Folds {@code strategy: {name: fedprox, mu: 0.1}} into {@code strategy: fedprox} and {@code
   * strategy-opts: {mu: 0.1}} (over any {@code strategy-opts} given).
   *
   * @param given settings
   * @return a copy, folded
   * @throws IllegalArgumentException when the map has no {@code name}
   */
  public static Map<String, Object> foldStrategy(Map<String, ?> given) {
    Map<String, Object> m = new LinkedHashMap<>(given);
    if (m.get("strategy") instanceof Map<?, ?> sm) {
      Map<String, Object> opts = new LinkedHashMap<>();
      if (m.get(OPTS) instanceof Map<?, ?> om) {
        om.forEach((k, v) -> opts.put(String.valueOf(k), v));
      }
      Object stratName = null;
      for (Map.Entry<?, ?> o : sm.entrySet()) {
        if ("name".equals(o.getKey())) {
          stratName = o.getValue();
        } else {
          opts.put(String.valueOf(o.getKey()), o.getValue());
        }
      }
      if (stratName == null) {
        throw new IllegalArgumentException(
            "'strategy' as a map needs a 'name' (e.g. name: fedprox)");
      }
      m.put("strategy", stratName);
      m.put(OPTS, opts);
    }
    return m;
  }

  private static String scalar(String key, Object v) {
    if (v instanceof Map || v instanceof List || v == null) {
      throw new IllegalArgumentException("setting '" + key + "': expected a single value, got " + v);
    }
    return v.toString().strip();
  }

  /**
   * Reads a YAML settings file to a map for {@link #bind}: keys lower-cased, a {@code strategy:}
   * map folded ({@link #foldStrategy}).
   *
   * @param file the file
   * @return key to value
   * @throws IllegalArgumentException when the file is missing or not YAML key: value pairs
   * @throws IOException when it cannot be read
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> readYaml(Path file) throws IOException {
    Object root = parseYaml(file, "config");
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException(file + ": expected key: value settings at the top level");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    ((Map<String, Object>) root).forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    try {
      return foldStrategy(m);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a {@code fleet} setting (a file name, or the fleet's map as {@link FleetProfile#toMap}
   * writes it) and sets {@code clients} and {@code client-speeds} from it, refusing values of
   * theirs that disagree.
   */
  private static void expandFleet(Map<String, Object> m) {
    Object v = m.get("fleet");
    if (v == null) {
      return;
    }
    FleetProfile fleet;
    if (v instanceof Map) {
      fleet = FleetProfile.from(v);
    } else {
      try {
        fleet = FleetProfile.read(Path.of(String.valueOf(v)));
      } catch (IOException e) {
        throw new IllegalArgumentException("fleet: cannot read " + v + ": " + e.getMessage(), e);
      }
    }
    Object speeds = m.get("client-speeds");
    if (speeds != null && !fleet.speeds().equals(Speeds.parseValue(speeds))) {
      throw new IllegalArgumentException("client-speeds: the fleet sets the speeds; give either "
          + "--fleet or --client-speeds, not both");
    }
    Object clients = m.get("clients");
    if (clients != null && !String.valueOf(clients).strip().equals(String.valueOf(fleet.size()))) {
      throw new IllegalArgumentException("clients: the fleet has " + fleet.size()
          + " devices, got clients " + clients + " (leave clients out with a fleet)");
    }
    m.put("clients", fleet.size());
    m.put("client-speeds", fleet.speeds());
    m.put("fleet", fleet.toMap());
  }

  /** Reads {@code fleet} from its map. */
  static final class Fleet extends JsonDeserializer<FleetProfile> {
    @Override
    public FleetProfile deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return FleetProfile.from(p.readValueAs(Object.class));
    }
  }

  /**
   * Parses a YAML file.
   *
   * @param file the file
   * @param what what it holds, for the message when it is missing ({@code config}, {@code fleet})
   * @return the document: maps, lists and scalars; null when empty
   * @throws IllegalArgumentException in one line when the file is missing or not YAML
   * @throws IOException when it cannot be read
   */
  static Object parseYaml(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " file not found: " + file);
    }
    try {
      return new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new IllegalArgumentException(file + ": not valid YAML" + where + ": "
          + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", "; "));
    }
  }

  /** Reads {@code client-speeds} from a list of numbers or a text like {@code 1,0.25,0.05}. */
  static final class Speeds extends JsonDeserializer<List<Double>> {

    /** Reads speeds from a list or a comma-separated text (NaN for what is not a number). */
    static List<Double> parseValue(Object v) {
      List<Object> items = v instanceof List<?> l ? new ArrayList<>(l)
          : new ArrayList<>(List.of(String.valueOf(v).split(",", -1)));
      List<Double> out = new ArrayList<>();
      for (Object o : items) {
        try {
          out.add(Double.parseDouble(String.valueOf(o).trim()));
        } catch (NumberFormatException e) {
          out.add(Double.NaN);
        }
      }
      return out;
    }

    @Override
    public List<Double> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      List<Object> items = new ArrayList<>();
      String text;
      if (p.currentToken() == JsonToken.START_ARRAY) {
        List<String> parts = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          parts.add(p.getText());
        }
        items.addAll(parts);
        text = parts.toString();
      } else {
        text = p.getText();
        items.addAll(List.of(text.split(",", -1)));
      }
      List<Double> out = new ArrayList<>();
      for (Object o : items) {
        try {
          out.add(Double.parseDouble(String.valueOf(o).trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "setting 'client-speeds': expected numbers separated by commas, got '" + text + "'");
        }
      }
      return out;
    }
  }

  /** Reads a duration: {@code 120s}, {@code 5m}, seconds as a number, or ISO-8601 ({@code PT90S}). */
  static final class DurationText extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      try {
        return Durations.parse(p.getText());
      } catch (IllegalArgumentException e) {
        String key = p.currentName() != null ? p.currentName() : "round-timeout";
        throw new IllegalArgumentException("setting '" + key + "': " + e.getMessage());
      }
    }
  }
}

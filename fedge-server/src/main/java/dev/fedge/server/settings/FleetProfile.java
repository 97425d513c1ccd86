package dev.fedge.server.settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fleet of simulated devices, by device class: how many, how fast, how much memory, and when
 * they are online. {@code fedge simulate --fleet FILE} reads it from YAML; a running server
 * exports the fleet it measured in the same form ({@code GET /api/v1/fleet-profile}), so a
 * research run replays a lab's real devices:
 *
 * <pre>
 * classes:
 *   - name: gpu-desktop
 *     count: 1
 *     speed: 20          # relative: a speed-1 device trains 1,000 images a virtual second
 *     memory: 12GiB
 *   - name: rpi4
 *     count: 4
 *     speed: 0.25
 *     memory: 4GiB
 *     availability: {on: 20m, off: 10m}
 * </pre>
 *
 * <p>The simulated clients are the classes' devices in order (client 0 is the first class's first
 * device). A device with an availability is online for {@code on}, then offline for {@code off},
 * repeating on the virtual clock; the devices of one class are staggered evenly over the period
 * (device {@code j} of {@code n} starts {@code j/n} of a period later), so that a class is never
 * all offline at once unless {@code off} is longer than {@code on}. Only online devices are
 * sampled for a round; a device that goes offline during its task still finishes it.
 *
 * @param classes the device classes, at least one, names unique
 */
public record FleetProfile(List<DeviceClass> classes) {

  private static final Pattern BYTES =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?");
  private static final Set<String> CLASS_KEYS =
      Set.of("name", "count", "speed", "memory", "availability");

  /** Validates: at least one class, unique names. */
  public FleetProfile {
    classes = List.copyOf(classes);
    if (classes.isEmpty()) {
      throw new IllegalArgumentException("fleet: expected at least one device class");
    }
    Set<String> seen = new java.util.HashSet<>();
    for (DeviceClass c : classes) {
      if (!seen.add(c.name())) {
        throw new IllegalArgumentException("fleet: device class '" + c.name() + "' is listed twice");
      }
    }
  }

  /**
   * One class of devices.
   *
   * @param name its name ({@code rpi4}, {@code jetson-nano}, ...)
   * @param count devices of this class, >= 1
   * @param speed relative training speed, > 0 (1: 1,000 images a virtual second)
   * @param memoryBytes memory of each device in bytes, 0 when not given
   * @param availability when its devices are online; {@code null}: always
   */
  public record DeviceClass(
      String name, int count, double speed, long memoryBytes, Availability availability) {

    /** Validates each field, naming the class. */
    public DeviceClass {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("fleet: every device class needs a name");
      }
      name = name.strip();
      if (count < 1) {
        throw new IllegalArgumentException(
            "fleet: class '" + name + "': count must be >= 1, got " + count);
      }
      if (!(speed > 0) || Double.isInfinite(speed)) {
        throw new IllegalArgumentException(
            "fleet: class '" + name + "': speed must be > 0, got " + speed);
      }
      if (memoryBytes < 0) {
        throw new IllegalArgumentException(
            "fleet: class '" + name + "': memory must be >= 0, got " + memoryBytes);
      }
    }
  }

  /**
   * A repeating online/offline pattern on the virtual clock.
   *
   * @param onSeconds online for this long, > 0
   * @param offSeconds then offline for this long, >= 0
   */
  public record Availability(double onSeconds, double offSeconds) {

    /** Validates. */
    public Availability {
      if (!(onSeconds > 0) || !(offSeconds >= 0)
          || !Double.isFinite(onSeconds + offSeconds)) {
        throw new IllegalArgumentException("fleet: availability needs on > 0 and off >= 0, got on "
            + onSeconds + " s, off " + offSeconds + " s");
      }
    }

    /** One on-then-off cycle, in seconds. */
    public double period() {
      return onSeconds + offSeconds;
    }
  }

  /** The number of simulated devices (clients). */
  public int size() {
    return classes.stream().mapToInt(DeviceClass::count).sum();
  }

  /** Each client's relative speed, in client order. */
  public List<Double> speeds() {
    List<Double> s = new ArrayList<>();
    for (DeviceClass c : classes) {
      for (int j = 0; j < c.count(); j++) {
        s.add(c.speed());
      }
    }
    return List.copyOf(s);
  }

  /**
   * The class of a client.
   *
   * @param client its index, in [0, {@link #size()})
   * @return its class
   */
  public DeviceClass classOf(int client) {
    return classes.get(slot(client)[0]);
  }

  /** {class index, index within the class} of a client. */
  private int[] slot(int client) {
    if (client < 0 || client >= size()) {
      throw new IndexOutOfBoundsException("fleet has " + size() + " devices, no client " + client);
    }
    int left = client;
    for (int k = 0; k < classes.size(); k++) {
      if (left < classes.get(k).count()) {
        return new int[] {k, left};
      }
      left -= classes.get(k).count();
    }
    throw new AssertionError();
  }

  /** Whether any class has an availability pattern. */
  public boolean hasAvailability() {
    return classes.stream().anyMatch(c -> c.availability() != null);
  }

  /**
   * Whether a client is online at a virtual time.
   *
   * @param client its index
   * @param seconds virtual seconds since the run started
   * @return true when online
   */
  public boolean available(int client, double seconds) {
    int[] s = slot(client);
    DeviceClass c = classes.get(s[0]);
    Availability a = c.availability();
    if (a == null || a.offSeconds() == 0) {
      return true;
    }
    double phase = a.period() * s[1] / c.count();
    double in = (seconds + phase) % a.period();
    return in < a.onSeconds();
  }

  /**
   * The earliest virtual time, at or after {@code seconds}, at which some client is online.
   *
   * @param seconds virtual seconds
   * @return that time ({@code seconds} when one is online then)
   */
  public double nextAvailable(double seconds) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < size(); i++) {
      if (available(i, seconds)) {
        return seconds;
      }
      int[] s = slot(i);
      DeviceClass c = classes.get(s[0]);
      Availability a = c.availability();
      double phase = a.period() * s[1] / c.count();
      double in = (seconds + phase) % a.period();
      best = Math.min(best, seconds + (a.period() - in));
    }
    return best;
  }

  /** As YAML and {@link #from} write and read it (memory in bytes, durations in seconds). */
  public Map<String, Object> toMap() {
    List<Object> list = new ArrayList<>();
    for (DeviceClass c : classes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("count", c.count());
      m.put("speed", c.speed());
      if (c.memoryBytes() > 0) {
        m.put("memory", c.memoryBytes());
      }
      if (c.availability() != null) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("on", seconds(c.availability().onSeconds()));
        a.put("off", seconds(c.availability().offSeconds()));
        m.put("availability", a);
      }
      list.add(m);
    }
    return Map.of("classes", list);
  }

  private static String seconds(double s) {
    return s == Math.rint(s) ? (long) s + "s" : String.format(Locale.ROOT, "%.3fs", s);
  }

  /**
   * The profile as a YAML document that {@link #read} reads back.
   *
   * @param comment lines to put first as comments (e.g. where it came from); may be empty
   * @return the YAML text
   */
  public String toYaml(List<String> comment) {
    StringBuilder b = new StringBuilder();
    for (String line : comment) {
      b.append("# ").append(line).append('\n');
    }
    b.append("classes:\n");
    for (DeviceClass c : classes) {
      b.append("  - name: ").append(quote(c.name())).append('\n');
      b.append("    count: ").append(c.count()).append('\n');
      b.append("    speed: ").append(String.format(Locale.ROOT, "%.6g", c.speed())).append('\n');
      if (c.memoryBytes() > 0) {
        b.append("    memory: ").append(c.memoryBytes()).append('\n');
      }
      if (c.availability() != null) {
        b.append("    availability: {on: ").append(seconds(c.availability().onSeconds()))
            .append(", off: ").append(seconds(c.availability().offSeconds())).append("}\n");
      }
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9._-]+") ? s : "'" + s.replace("'", "''") + "'";
  }

  /**
   * Reads a fleet file.
   *
   * @param file a YAML file with {@code classes:}
   * @return the profile
   * @throws IllegalArgumentException when it is missing, not YAML, or not a fleet, naming the file
   *     and what was wrong
   * @throws IOException when it cannot be read
   */
  public static FleetProfile read(Path file) throws IOException {
    Object root = RunSettingsBinder.parseYaml(file, "fleet");
    try {
      return from(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Binds a fleet from parsed YAML or JSON: a map with {@code classes}, a list of classes.
   *
   * @param value the parsed document
   * @return the profile
   * @throws IllegalArgumentException naming what was wrong
   */
  public static FleetProfile from(Object value) {
    if (!(value instanceof Map<?, ?> root) || !(root.get("classes") instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "fleet: expected 'classes:' with a list of device classes, got " + value);
    }
    for (Object k : root.keySet()) {
      if (!"classes".equals(k)) {
        throw new IllegalArgumentException("fleet: unknown key '" + k + "' (known: classes)");
      }
    }
    List<DeviceClass> classes = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(
            "fleet: each device class must be a map with name, count, speed; got " + item);
      }
      String name = m.get("name") == null ? null : String.valueOf(m.get("name"));
      String label = "fleet: class '" + name + "': ";
      for (Object k : m.keySet()) {
        if (!CLASS_KEYS.contains(String.valueOf(k))) {
          throw new IllegalArgumentException(label + "unknown key '" + k
              + "' (known: name, count, speed, memory, availability)");
        }
      }
      Availability availability = null;
      if (m.get("availability") != null) {
        if (!(m.get("availability") instanceof Map<?, ?> a)
            || !a.keySet().stream().allMatch(k -> k.equals("on") || k.equals("off"))
            || a.get("on") == null) {
          throw new IllegalArgumentException(label
              + "availability must be {on: DURATION, off: DURATION}, got " + m.get("availability"));
        }
        availability = new Availability(duration(label + "availability.on", a.get("on")),
            a.get("off") == null ? 0 : duration(label + "availability.off", a.get("off")));
      }
      classes.add(new DeviceClass(name,
          (int) integer(label + "count", m.get("count"), 1),
          number(label + "speed", m.get("speed")),
          m.get("memory") == null ? 0 : parseBytes(label + "memory", m.get("memory")),
          availability));
    }
    return new FleetProfile(classes);
  }

  private static long integer(String what, Object v, long ifMissing) {
    if (v == null) {
      return ifMissing;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw new IllegalArgumentException(what + " must be an integer, got '" + v + "'");
  }

  private static double number(String what, Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(what + " must be a number, got '" + v + "'");
  }

  private static double duration(String what, Object v) {
    if (v instanceof Number n && n.doubleValue() == 0) {
      return 0;
    }
    if (String.valueOf(v).strip().matches("0+(\\.0*)?\\s*(ms|s|m|h)?")) {
      return 0;
    }
    try {
      return Durations.parse(String.valueOf(v)).toMillis() / 1000.0;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a size: bytes as a number, or a number with {@code KB}, {@code KiB}, {@code MB},
   * {@code MiB}, {@code GB}, {@code GiB}, {@code TB}, {@code TiB}.
   *
   * @param what the setting, for the message
   * @param v the value
   * @return bytes
   */
  static long parseBytes(String what, Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    Matcher m = BYTES.matcher(String.valueOf(v).strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          what + " must be a size like 512MiB, 4GiB or bytes, got '" + v + "'");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    double factor = switch (unit) {
      case "kb" -> 1e3;
      case "kib" -> 1024;
      case "mb" -> 1e6;
      case "mib" -> 1024.0 * 1024;
      case "gb" -> 1e9;
      case "gib" -> 1024.0 * 1024 * 1024;
      case "tb" -> 1e12;
      case "tib" -> 1024.0 * 1024 * 1024 * 1024;
      default -> 1;
    };
    return Math.round(n * factor);
  }
}

package dev.fedge.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers host facts with one POSIX shell script over SSH ({@link #SCRIPT}) and reads its output
 * ({@link #parse(String)}, a pure function). The script prints sections headed {@code @@name}:
 * {@code uname}, {@code /etc/os-release} (or {@code sw_vers} on a Mac), core count, {@code
 * /proc/meminfo} (or {@code sysctl hw.memsize} and {@code vm_stat}), every thermal zone, the load
 * average, {@code df} of the login directory, {@code nvidia-smi}, {@code /etc/nv_tegra_release}
 * the device-tree model and the first line of {@code java -version}.
 */
public final class Facts {

  /**
   * The script, with the {@code java} on the host's PATH; its output is what {@link
   * #parse(String)} reads.
   */
  public static final String SCRIPT = script("java");

  private static final Pattern JAVA_VERSION = Pattern.compile("version \"([^\"]+)\"");

  /**
   * The facts script, asking {@code java -version} of the given command.
   *
   * @param java the java command on the host, e.g. {@code java} or {@code /opt/jdk/bin/java}
   */
  public static String script(String java) {
    return String.join("\n",
      "echo @@uname; uname -s; uname -r; uname -m",
      "echo @@hostname; hostname 2>/dev/null || uname -n",
      "echo @@os-release; cat /etc/os-release 2>/dev/null",
      "echo @@sw_vers; sw_vers 2>/dev/null",
      "echo @@nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null"
          + " || sysctl -n hw.ncpu 2>/dev/null",
      "echo @@meminfo; cat /proc/meminfo 2>/dev/null",
      "echo @@hw.memsize; sysctl -n hw.memsize 2>/dev/null",
      "echo @@vm_stat; vm_stat 2>/dev/null",
      "echo @@thermal",
      "for z in /sys/class/thermal/thermal_zone*; do",
      "  if [ -r \"$z/temp\" ]; then",
      "    t=$(cat \"$z/temp\" 2>/dev/null) && echo \"$(cat \"$z/type\" 2>/dev/null || echo zone) $t\"",
      "  fi",
      "done",
      "echo @@loadavg; cat /proc/loadavg 2>/dev/null || sysctl -n vm.loadavg 2>/dev/null",
      "echo @@df; df -Pk \"$HOME\" 2>/dev/null | tail -n 1",
      "echo @@nvidia-smi",
      "if command -v nvidia-smi >/dev/null 2>&1; then",
      "  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null",
      "fi",
      "echo @@tegra; cat /etc/nv_tegra_release 2>/dev/null",
      "echo @@model; if [ -r /proc/device-tree/model ]; then"
          + " tr -d '\\000' < /proc/device-tree/model; echo;"
          + " elif [ -r /sys/devices/virtual/dmi/id/product_name ]; then"
          + " cat /sys/devices/virtual/dmi/id/product_name;"
          + " else sysctl -n hw.model 2>/dev/null; fi",
      "echo @@java; " + javaVersionCommand(java),
      "echo @@end",
      "");
  }

  /**
   * A shell line that prints the first line of {@code JAVA -version}, or nothing when there is no
   * such command.
   */
  static String javaVersionCommand(String java) {
    String q = Shell.quote(java);
    return "if command -v " + q + " >/dev/null 2>&1; then " + q + " -version 2>&1 | head -n 1; fi";
  }

  /**
   * The version in the first line of {@code java -version}, e.g. {@code 17.0.9} of {@code openjdk
   * version "17.0.9" 2023-10-17}, or {@code none} when the line names no version.
   */
  public static String javaVersion(String line) {
    Matcher m = JAVA_VERSION.matcher(line == null ? "" : line);
    return m.find() ? m.group(1) : HostFacts.NO_JAVA;
  }

  /**
   * The feature release of a Java version: 17 of {@code 17.0.9}, 8 of {@code 1.8.0_392}; 0 of
   * {@code none} or what is not a version.
   */
  public static int javaMajor(String version) {
    Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(version == null ? "" : version);
    if (!m.find()) {
      return 0;
    }
    int first = Integer.parseInt(m.group(1));
    return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
  }

  private static final Pattern VM_PAGE = Pattern.compile("page size of (\\d+) bytes");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");

  private Facts() {}

  /**
   * Reads the script's output.
   *
   * @param output what {@link #SCRIPT} printed
   * @return the facts; what a host did not report is unknown ({@code -1}, {@code n/a})
   * @throws IllegalArgumentException when the output is not the script's (no {@code @@uname}
   *     section)
   */
  public static HostFacts parse(String output) {
    Map<String, List<String>> s = sections(output);
    List<String> uname = s.get("uname");
    if (uname == null || uname.isEmpty()) {
      throw new IllegalArgumentException("facts output has no @@uname section: '"
          + abbreviate(output) + "'");
    }
    String system = line(uname, 0);
    String kernel = (system + " " + line(uname, 1)).strip();
    String arch = line(uname, 2).isEmpty() ? "unknown" : line(uname, 2);
    boolean mac = system.equals("Darwin");
    String hostname = first(s.get("hostname"));

    String os = osName(s, system);
    int cores = (int) Math.max(0, parseLong(first(s.get("nproc")), 0));

    long memTotal = -1;
    long memAvail = -1;
    Map<String, Long> meminfo = meminfo(s.get("meminfo"));
    if (meminfo.containsKey("MemTotal")) {
      memTotal = meminfo.get("MemTotal") * 1024;
      if (meminfo.containsKey("MemAvailable")) {
        memAvail = meminfo.get("MemAvailable") * 1024;
      } else if (meminfo.containsKey("MemFree")) {
        memAvail = (meminfo.get("MemFree") + meminfo.getOrDefault("Buffers", 0L)
            + meminfo.getOrDefault("Cached", 0L)) * 1024;
      }
    } else {
      memTotal = parseLong(first(s.get("hw.memsize")), -1);
      memAvail = vmStatAvailable(s.get("vm_stat"));
    }

    OptionalDouble temp = cpuTemperature(s.get("thermal"));

    double[] load = {-1, -1, -1};
    List<Double> loads = numbers(first(s.get("loadavg")));
    if (loads.size() >= 3) {
      load = new double[] {loads.get(0), loads.get(1), loads.get(2)};
    }

    long diskFree = -1;
    String[] df = first(s.get("df")).trim().split("\\s+");
    if (df.length >= 4) {
      long kb = parseLong(df[3], -1);
      diskFree = kb < 0 ? -1 : kb * 1024;
    }

    String model = first(s.get("model")).replace("\0", "").strip();
    String tegra = first(s.get("tegra"));
    List<String> gpus = new ArrayList<>();
    for (String g : s.getOrDefault("nvidia-smi", List.of())) {
      if (!g.isBlank() && !g.toLowerCase(Locale.ROOT).contains("failed")
          && !g.toLowerCase(Locale.ROOT).contains("not found")) {
        String[] parts = g.split(",");
        gpus.add(parts.length >= 2 ? parts[0].strip() + " (" + parts[1].strip() + ")"
            : g.strip());
      }
    }

    String deviceClass;
    String accelerator;
    if (mac) {
      deviceClass = "mac";
      accelerator = arch.equals("arm64") ? "Apple GPU (Metal)" : "none";
    } else if (!tegra.isEmpty() || model.contains("Jetson")) {
      deviceClass = "jetson";
      accelerator = "NVIDIA Jetson GPU" + tegraRelease(tegra);
    } else if (model.startsWith("Raspberry Pi")) {
      deviceClass = "raspberry-pi";
      accelerator = "none";
    } else if (!gpus.isEmpty()) {
      deviceClass = "gpu-desktop";
      accelerator = String.join(", ", gpus);
    } else {
      deviceClass = "generic";
      accelerator = "none";
    }
    return new HostFacts(hostname, os, kernel, arch, cores, memTotal, memAvail, temp,
        load[0], load[1], load[2], diskFree, accelerator, model, deviceClass,
        javaVersion(first(s.get("java"))));
  }

  private static Map<String, List<String>> sections(String output) {
    Map<String, List<String>> s = new LinkedHashMap<>();
    List<String> current = null;
    for (String raw : output.split("\\R", -1)) {
      String line = raw.strip();
      if (line.startsWith("@@")) {
        current = new ArrayList<>();
        s.put(line.substring(2), current);
      } else if (current != null && !line.isEmpty()) {
        current.add(line);
      }
    }
    return s;
  }

  private static String osName(Map<String, List<String>> s, String system) {
    Map<String, String> rel = new LinkedHashMap<>();
    for (String l : s.getOrDefault("os-release", List.of())) {
      int eq = l.indexOf('=');
      if (eq > 0) {
        String v = l.substring(eq + 1).strip();
        if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
          v = v.substring(1, v.length() - 1);
        }
        rel.put(l.substring(0, eq), v);
      }
    }
    if (rel.containsKey("PRETTY_NAME")) {
      return rel.get("PRETTY_NAME");
    }
    if (rel.containsKey("NAME")) {
      return (rel.get("NAME") + " " + rel.getOrDefault("VERSION", "")).strip();
    }
    Map<String, String> sw = new LinkedHashMap<>();
    for (String l : s.getOrDefault("sw_vers", List.of())) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        sw.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
      }
    }
    if (sw.containsKey("ProductName")) {
      return (sw.get("ProductName") + " " + sw.getOrDefault("ProductVersion", "")).strip();
    }
    return system.isEmpty() ? "unknown" : system;
  }

  private static Map<String, Long> meminfo(List<String> lines) {
    Map<String, Long> m = new LinkedHashMap<>();
    if (lines == null) {
      return m;
    }
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon > 0) {
        long v = parseLong(l.substring(colon + 1).replace("kB", "").strip(), -1);
        if (v >= 0) {
          m.put(l.substring(0, colon).strip(), v);
        }
      }
    }
    return m;
  }

  /** Free + inactive + speculative pages of vm_stat, in bytes, or -1. */
  private static long vmStatAvailable(List<String> lines) {
    if (lines == null || lines.isEmpty()) {
      return -1;
    }
    long page = 4096;
    long pages = 0;
    boolean any = false;
    for (String l : lines) {
      Matcher m = VM_PAGE.matcher(l);
      if (m.find()) {
        page = Long.parseLong(m.group(1));
        continue;
      }
      if (l.startsWith("Pages free:") || l.startsWith("Pages inactive:")
          || l.startsWith("Pages speculative:")) {
        pages += parseLong(l.substring(l.indexOf(':') + 1).replace(".", "").strip(), 0);
        any = true;
      }
    }
    return any ? pages * page : -1;
  }

  /**
   * The CPU temperature from thermal zone lines ({@code type millidegrees}): the first zone whose
   * type names the CPU, else the package sensor, else the first plausible zone.
   */
  private static OptionalDouble cpuTemperature(List<String> zones) {
    if (zones == null || zones.isEmpty()) {
      return OptionalDouble.empty();
    }
    Double cpu = null;
    Double pkg = null;
    Double any = null;
    for (String z : zones) {
      String[] parts = z.trim().split("\\s+");
      if (parts.length < 2) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(parts[parts.length - 1]);
      } catch (NumberFormatException e) {
        continue;
      }
      double c = Math.abs(v) >= 1000 ? v / 1000.0 : v;
      if (c <= -40 || c >= 150) {
        continue; // a sensor that is off or not a temperature
      }
      String type = parts[0].toLowerCase(Locale.ROOT);
      if (cpu == null && type.contains("cpu")) {
        cpu = c;
      } else if (pkg == null && (type.contains("pkg") || type.contains("soc"))) {
        pkg = c;
      } else if (any == null) {
        any = c;
      }
    }
    Double best = cpu != null ? cpu : pkg != null ? pkg : any;
    return best == null ? OptionalDouble.empty() : OptionalDouble.of(best);
  }

  private static String tegraRelease(String tegra) {
    // "# R32 (release), REVISION: 7.1, GCID: ..." -> " (L4T R32.7.1)"
    Matcher m = Pattern.compile("R(\\d+) \\(release\\), REVISION: ([\\d.]+)").matcher(tegra);
    return m.find() ? " (L4T R" + m.group(1) + "." + m.group(2) + ")" : "";
  }

  private static List<Double> numbers(String s) {
    List<Double> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(s);
    while (m.find()) {
      out.add(Double.parseDouble(m.group()));
    }
    return out;
  }

  private static String first(List<String> lines) {
    return lines == null || lines.isEmpty() ? "" : lines.get(0);
  }

  private static String line(List<String> lines, int i) {
    return i < lines.size() ? lines.get(i) : "";
  }

  private static long parseLong(String s, long fallback) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String abbreviate(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }
}

package dev.fedge.client;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Detects what a device is ({@link #facts()}) and how it is doing ({@link #telemetry()}) from the
 * usual places: {@code /proc/meminfo}, {@code /proc/loadavg}, {@code /proc/cpuinfo}, {@code
 * /proc/device-tree/model} (Raspberry Pi, Jetson), {@code /etc/nv_tegra_release} (Jetson), {@code
 * /sys/class/thermal/thermal_zone*}, {@code nvidia-smi}, DJL's CUDA GPU count, and the JVM's own
 * properties where a file is missing (macOS has no {@code /proc}).
 *
 * <p>The file system root is a parameter, so the probe can be tested on files written in these
 * formats.
 */
public class DeviceProbe {

  private final Path root;
  private final Map<String, String> added;

  /** A probe of this machine. */
  public DeviceProbe() {
    this(Path.of("/"));
  }

  /**
   * A probe that reads {@code proc}, {@code sys} and {@code etc} under another root.
   *
   * @param root the file system root
   */
  public DeviceProbe(Path root) {
    this(root, Map.of());
  }

  private DeviceProbe(Path root, Map<String, String> added) {
    this.root = root;
    this.added = added;
  }

  /**
   * The same probe with one more fact in {@link DeviceFacts#extra}, e.g. {@code trains_on}: where
   * this client really trains, which the hardware alone does not say.
   *
   * @param key the fact
   * @param value its value
   * @return the probe
   */
  public DeviceProbe with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(added);
    more.put(key, value);
    return new DeviceProbe(root, Map.copyOf(more));
  }

  /** The device's facts, detected now. */
  public DeviceFacts facts() {
    String osName = System.getProperty("os.name", "unknown");
    String os = osName + " " + System.getProperty("os.version", "");
    String arch = System.getProperty("os.arch", "unknown");
    Map<String, String> extra = new LinkedHashMap<>();
    hostname().ifPresent(h -> extra.put("hostname", h));
    Optional<String> model = read("proc/device-tree/model").map(DeviceProbe::clean);
    model.ifPresent(m -> extra.put("model", m));
    Optional<String> tegra = read("etc/nv_tegra_release").map(s -> s.lines().findFirst().orElse(""));
    tegra.ifPresent(t -> extra.put("tegra", t.strip()));
    cpuModel().ifPresent(c -> extra.put("cpu", c));
    extra.put("java", System.getProperty("java.version", "?"));
    extra.putAll(added);
    List<String> gpus = nvidiaGpus();
    int cudaCount = djlGpuCount();
    String accelerator = accelerator(gpus, cudaCount, tegra.isPresent(), osName, arch);
    String deviceClass = deviceClass(model.orElse(""), tegra.isPresent(), osName,
        !gpus.isEmpty() || cudaCount > 0);
    return new DeviceFacts(os.strip(), arch, Runtime.getRuntime().availableProcessors(),
        totalMemory(), Runtime.getRuntime().maxMemory(), accelerator, deviceClass, extra);
  }

  /** The device's health now: CPU temperature, available memory, one-minute load. */
  public Telemetry telemetry() {
    return new Telemetry(cpuTemperature(), availableMemory(), loadAverage(),
        System.currentTimeMillis());
  }

  // ---- classification --------------------------------------------------------------------------

  static String deviceClass(String model, boolean tegra, String osName, boolean gpu) {
    String m = model.toLowerCase(Locale.ROOT);
    if (m.contains("raspberry pi")) {
      return "raspberry-pi";
    }
    if (tegra || m.contains("jetson") || m.contains("nvidia")) {
      return "jetson";
    }
    if (osName.toLowerCase(Locale.ROOT).startsWith("mac")) {
      return "mac";
    }
    if (gpu) {
      return "gpu-desktop";
    }
    return "generic";
  }

  static String accelerator(
      List<String> nvidiaGpus, int cudaCount, boolean tegra, String osName, String arch) {
    if (!nvidiaGpus.isEmpty()) {
      return "cuda: " + String.join(", ", nvidiaGpus);
    }
    if (cudaCount > 0) {
      return "cuda: " + cudaCount + " GPU" + (cudaCount > 1 ? "s" : "");
    }
    if (tegra) {
      return "cuda: jetson integrated GPU";
    }
    if (osName.toLowerCase(Locale.ROOT).startsWith("mac") && arch.equals("aarch64")) {
      return "apple-silicon";
    }
    return "none";
  }

  // ---- facts -----------------------------------------------------------------------------------

  /** Total physical memory: {@code MemTotal} of {@code /proc/meminfo}, else the JVM's view. */
  long totalMemory() {
    long kb = meminfo("MemTotal");
    if (kb >= 0) {
      return kb * 1024;
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  private Optional<String> cpuModel() {
    Optional<String> info = read("proc/cpuinfo");
    if (info.isEmpty()) {
      return Optional.empty();
    }
    for (String key : new String[] {"model name", "Model", "Hardware"}) {
      for (String line : info.get().split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
          String v = line.substring(colon + 1).strip();
          if (!v.isEmpty()) {
            return Optional.of(v);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return Optional.of(env);
    }
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** GPU names and memory from {@code nvidia-smi}, when it is installed. */
  List<String> nvidiaGpus() {
    List<String> out = new ArrayList<>();
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total",
          "--format=csv,noheader").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return out;
      }
      if (p.exitValue() == 0) {
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            out.add(line.strip().replace(", ", " "));
          }
        }
      }
    } catch (IOException e) {
      // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** DJL's count of CUDA GPUs (0 when CUDA is not there). */
  static int djlGpuCount() {
    return dev.fedge.ml.DjlRuntime.cudaGpuCount();
  }

  // ---- telemetry -------------------------------------------------------------------------------

  /**
   * CPU temperature in °C: the hottest CPU-like thermal zone ({@code cpu}, {@code x86_pkg_temp},
   * {@code soc}, {@code package}), else the hottest zone; NaN when there is none.
   */
  double cpuTemperature() {
    Path dir = root.resolve("sys/class/thermal");
    if (!Files.isDirectory(dir)) {
      return Double.NaN;
    }
    double cpu = Double.NaN;
    double any = Double.NaN;
    try (DirectoryStream<Path> zones = Files.newDirectoryStream(dir, "thermal_zone*")) {
      for (Path z : zones) {
        Optional<String> temp = readPath(z.resolve("temp"));
        if (temp.isEmpty()) {
          continue;
        }
        double c;
        try {
          c = Long.parseLong(temp.get().strip()) / 1000.0;
        } catch (NumberFormatException e) {
          continue;
        }
        String type = readPath(z.resolve("type")).orElse("").strip().toLowerCase(Locale.ROOT);
        if (type.contains("cpu") || type.contains("x86_pkg") || type.contains("soc")
            || type.contains("package")) {
          cpu = Double.isNaN(cpu) ? c : Math.max(cpu, c);
        }
        any = Double.isNaN(any) ? c : Math.max(any, c);
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return Double.isNaN(cpu) ? any : cpu;
  }

  /** {@code MemAvailable} in bytes, else the JVM's view of free memory, else -1. */
  long availableMemory() {
    long kb = meminfo("MemAvailable");
    if (kb >= 0) {
      return kb * 1024;
    }
    if (!Files.exists(root.resolve("proc"))
        && ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getFreeMemorySize();
    }
    return -1;
  }

  /** One-minute load average from {@code /proc/loadavg}, else the JVM's, else NaN. */
  double loadAverage() {
    Optional<String> s = read("proc/loadavg");
    if (s.isPresent()) {
      try {
        return Double.parseDouble(s.get().strip().split("\\s+")[0]);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    if (Files.exists(root.resolve("proc"))) {
      return Double.NaN;
    }
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? Double.NaN : l;
  }

  private long meminfo(String key) {
    Optional<String> s = read("proc/meminfo");
    if (s.isEmpty()) {
      return -1;
    }
    for (String line : s.get().split("\n")) {
      if (line.startsWith(key + ":")) {
        String[] f = line.substring(key.length() + 1).strip().split("\\s+");
        try {
          return Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private Optional<String> read(String relative) {
    return readPath(root.resolve(relative));
  }

  private static Optional<String> readPath(Path p) {
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        return Optional.empty();
      }
      return Optional.of(Files.readString(p, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Device-tree strings end with a NUL. */
  private static String clean(String s) {
    return s.replace("\0", "").strip();
  }
}

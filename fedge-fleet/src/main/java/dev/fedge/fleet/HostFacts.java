package dev.fedge.fleet;

import dev.fedge.api.DeviceFacts;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What {@code fedge fleet facts} learned about a host. Read with {@link Facts#parse(String)}.
 *
 * @param hostname the host's own name
 * @param os operating system and version, e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param kernel kernel name and release, e.g. {@code Linux 6.1.0-rpi7-rpi-v8}
 * @param arch machine architecture from {@code uname -m}, e.g. {@code aarch64}
 * @param cores online CPU cores, 0 when unknown
 * @param memTotalBytes total memory, -1 when unknown
 * @param memAvailableBytes available memory, -1 when unknown
 * @param cpuTemperature CPU temperature in degrees Celsius, empty when the host has no thermal
 *     zone (a Mac, most VMs)
 * @param load1 1-minute load average, -1 when unknown
 * @param load5 5-minute load average, -1 when unknown
 * @param load15 15-minute load average, -1 when unknown
 * @param diskFreeBytes free space of the file system of the login directory, -1 when unknown
 * @param accelerator GPU description, or {@code none}
 * @param model board or machine model (device tree, {@code hw.model}), empty when unknown
 * @param deviceClass {@code raspberry-pi}, {@code jetson}, {@code gpu-desktop}, {@code mac} or
 *     {@code generic}
 * @param javaVersion the version {@code java -version} printed on the host, e.g. {@code 17.0.9},
 *     or {@link #NO_JAVA} when the host has no java command
 */
public record HostFacts(
    String hostname,
    String os,
    String kernel,
    String arch,
    int cores,
    long memTotalBytes,
    long memAvailableBytes,
    OptionalDouble cpuTemperature,
    double load1,
    double load5,
    double load15,
    long diskFreeBytes,
    String accelerator,
    String model,
    String deviceClass,
    String javaVersion) {

  /** {@link #javaVersion()} of a host without a java command. */
  public static final String NO_JAVA = "none";

  /** The device classes, as in {@link DeviceFacts#deviceClass()}. */
  public static final java.util.List<String> DEVICE_CLASSES =
      java.util.List.of("raspberry-pi", "jetson", "gpu-desktop", "mac", "generic");

  /** Checks the fields. */
  public HostFacts {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(cpuTemperature, "cpuTemperature");
    Objects.requireNonNull(accelerator, "accelerator");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(javaVersion, "javaVersion");
    if (!DEVICE_CLASSES.contains(deviceClass)) {
      throw new IllegalArgumentException(
          "deviceClass must be one of " + DEVICE_CLASSES + ", got '" + deviceClass + "'");
    }
    if (cores < 0) {
      throw new IllegalArgumentException("cores must not be negative, got " + cores);
    }
  }

  /** The Java feature release on the host (17 of {@code 17.0.9}), 0 when it has none. */
  public int javaMajor() {
    return Facts.javaMajor(javaVersion);
  }

  /** The temperature as shown: {@code 48.3 C}, or {@code n/a}. */
  public String temperatureText() {
    return cpuTemperature.isPresent()
        ? String.format(Locale.ROOT, "%.1f C", cpuTemperature.getAsDouble())
        : "n/a";
  }

  /** The load averages as shown: {@code 0.52 0.58 0.59}, or {@code n/a}. */
  public String loadText() {
    return load1 < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f %.2f %.2f", load1, load5, load15);
  }

  /** The facts in the shape of the API's {@link DeviceFacts} (heap is unknown here: 0). */
  public DeviceFacts toDeviceFacts() {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("hostname", hostname);
    extra.put("kernel", kernel);
    extra.put("model", model);
    extra.put("cpu_temperature", temperatureText());
    extra.put("mem_available_bytes", Long.toString(memAvailableBytes));
    extra.put("load", loadText());
    extra.put("disk_free_bytes", Long.toString(diskFreeBytes));
    return new DeviceFacts(os, arch, cores, Math.max(0, memTotalBytes), 0, accelerator,
        deviceClass, extra);
  }

  /** The facts as a map of snake_case names, for JSON output; unknown values are {@code null}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hostname", hostname);
    m.put("device_class", deviceClass);
    m.put("arch", arch);
    m.put("os", os);
    m.put("kernel", kernel);
    m.put("model", model);
    m.put("cores", cores);
    m.put("mem_total_bytes", memTotalBytes < 0 ? null : memTotalBytes);
    m.put("mem_available_bytes", memAvailableBytes < 0 ? null : memAvailableBytes);
    m.put("cpu_temperature_c",
        cpuTemperature.isPresent() ? round1(cpuTemperature.getAsDouble()) : "n/a");
    m.put("load", load1 < 0 ? null : java.util.List.of(load1, load5, load15));
    m.put("disk_free_bytes", diskFreeBytes < 0 ? null : diskFreeBytes);
    m.put("accelerator", accelerator);
    m.put("java", javaVersion);
    return m;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Bytes as a short human size, {@code 3.7 GiB}; {@code n/a} when negative. */
  public static String humanBytes(long bytes) {
    if (bytes < 0) {
      return "n/a";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

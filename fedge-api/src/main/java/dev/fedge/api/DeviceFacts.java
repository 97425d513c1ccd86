package dev.fedge.api;

import java.util.Map;

/**
 * What a client device is, as detected when it starts.
 *
 * @param os operating system name and version
 * @param arch CPU architecture, e.g. {@code amd64}, {@code aarch64}
 * @param cores number of CPU cores
 * @param memoryBytes total physical memory, or 0 when unknown
 * @param heapBytes maximum JVM heap
 * @param accelerator accelerator description, or {@code "none"}
 * @param deviceClass one of {@code raspberry-pi}, {@code jetson}, {@code gpu-desktop}, {@code
 *     mac}, {@code generic}
 * @param extra anything else worth keeping (hostname, model string, ...)
 */
public record DeviceFacts(
    String os,
    String arch,
    int cores,
    long memoryBytes,
    long heapBytes,
    String accelerator,
    String deviceClass,
    Map<String, String> extra) {

  /** Copies the extra map. */
  public DeviceFacts {
    extra = Map.copyOf(extra);
  }

  /** Facts of an unknown device. */
  public static DeviceFacts unknown() {
    return new DeviceFacts("unknown", "unknown", 0, 0, 0, "none", "generic", Map.of());
  }
}

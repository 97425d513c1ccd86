package dev.fedge.web;

import dev.fedge.server.settings.FleetProfile;
import dev.fedge.web.view.DeviceInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet a server measured, as a {@link FleetProfile} that {@code fedge simulate --fleet}
 * replays: one class per device class (the device's own {@code deviceClass} fact, else its
 * architecture), with the number of devices, their mean measured training speed relative to the
 * virtual clock's unit (1,000 images a second) and the smallest memory among them. Devices whose
 * speed was not measured yet (no fit task) are left out and named in a comment; availability is
 * not exported (the server does not yet keep on/off periods per device).
 */
final class FleetExport {

  private FleetExport() {}

  /**
   * The YAML document.
   *
   * @param devices the server's devices
   * @param now the time to write into its first comment
   * @return the document
   * @throws java.util.NoSuchElementException when no device has a measured speed
   */
  static String yaml(List<DeviceInfo> devices, Instant now) {
    Map<String, List<DeviceInfo>> byClass = new LinkedHashMap<>();
    List<String> unmeasured = new ArrayList<>();
    for (DeviceInfo d : devices) {
      if (d.speed() == null || !d.speed().measured()) {
        unmeasured.add(d.id());
        continue;
      }
      byClass.computeIfAbsent(className(d), k -> new ArrayList<>()).add(d);
    }
    if (byClass.isEmpty()) {
      throw new java.util.NoSuchElementException("no device has a measured training speed yet "
          + "(speeds come from fit tasks; " + devices.size() + " devices known)");
    }
    List<FleetProfile.DeviceClass> classes = new ArrayList<>();
    for (Map.Entry<String, List<DeviceInfo>> e : byClass.entrySet()) {
      double ips = e.getValue().stream().mapToDouble(d -> d.speed().imagesPerSecond())
          .average().orElseThrow();
      long memory = e.getValue().stream().mapToLong(d -> d.facts().memoryBytes())
          .filter(m -> m > 0).min().orElse(0);
      classes.add(new FleetProfile.DeviceClass(e.getKey(), e.getValue().size(),
          Math.max(ips, 1e-6) / 1000.0, memory, null));
    }
    List<String> comment = new ArrayList<>();
    comment.add("fedge fleet profile, measured by this server at " + now
        + " (speed: mean training images/s / 1000)");
    for (Map.Entry<String, List<DeviceInfo>> e : byClass.entrySet()) {
      comment.add(e.getKey() + ": " + String.join(", ", e.getValue().stream().map(d ->
          d.id() + String.format(Locale.ROOT, " %.1f img/s over %d tasks",
              d.speed().imagesPerSecond(), d.speed().tasks())).toList()));
    }
    if (!unmeasured.isEmpty()) {
      comment.add("not measured yet, left out: " + String.join(", ", unmeasured));
    }
    return new FleetProfile(classes).toYaml(comment);
  }

  private static String className(DeviceInfo d) {
    String c = d.facts().deviceClass();
    if (c == null || c.isBlank() || c.equals("unknown")) {
      c = d.facts().arch();
    }
    return c == null || c.isBlank() ? "unknown" : c.strip().replaceAll("[^A-Za-z0-9._-]", "-");
  }
}

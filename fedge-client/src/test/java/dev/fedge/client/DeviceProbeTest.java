package dev.fedge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.Telemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceProbeTest {

  @TempDir Path root;

  private void write(String path, String content) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.ISO_8859_1);
  }

  private void raspberryPi() throws IOException {
    write("proc/meminfo", "MemTotal:        3884328 kB\nMemFree:          123456 kB\n"
        + "MemAvailable:    2948096 kB\nBuffers:           12345 kB\n");
    write("proc/loadavg", "1.25 0.80 0.41 2/345 12345\n");
    write("proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0");
    write("proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\n"
        + "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n");
    write("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
    write("sys/class/thermal/thermal_zone0/temp", "52582\n");
    write("sys/class/thermal/thermal_zone1/type", "gpu-thermal\n");
    write("sys/class/thermal/thermal_zone1/temp", "61000\n");
  }

  @Test
  void raspberryPi_filesGiveClassMemoryModelAndTelemetry() throws IOException {
    raspberryPi();
    DeviceProbe probe = new DeviceProbe(root);

    DeviceFacts facts = probe.facts();
    Telemetry t = probe.telemetry();

    assertEquals("raspberry-pi", facts.deviceClass());
    assertEquals(3884328L * 1024, facts.memoryBytes());
    assertEquals("Raspberry Pi 4 Model B Rev 1.4", facts.extra().get("model"));
    assertEquals("Raspberry Pi 4 Model B Rev 1.4", facts.extra().get("cpu"));
    assertEquals(Runtime.getRuntime().availableProcessors(), facts.cores());
    assertEquals(Runtime.getRuntime().maxMemory(), facts.heapBytes());
    assertEquals(52.582, t.cpuTemperatureC(), 1e-9, "the CPU zone, not the hotter GPU zone");
    assertEquals(2948096L * 1024, t.freeMemoryBytes());
    assertEquals(1.25, t.loadAverage());
  }

  @Test
  void jetson_tegraReleaseMakesJetsonWithIntegratedGpu() throws IOException {
    write("etc/nv_tegra_release", "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref,"
        + " EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023\n");
    write("proc/device-tree/model", "NVIDIA Jetson Orin Nano Developer Kit\0");
    write("sys/class/thermal/thermal_zone0/type", "CPU-therm\n");
    write("sys/class/thermal/thermal_zone0/temp", "47500\n");

    DeviceFacts facts = new DeviceProbe(root).facts();

    assertEquals("jetson", facts.deviceClass());
    assertTrue(facts.extra().get("tegra").startsWith("# R35 (release), REVISION: 4.1"));
    assertEquals(47.5, new DeviceProbe(root).telemetry().cpuTemperatureC());
    assertEquals("cuda: jetson integrated GPU",
        DeviceProbe.accelerator(List.of(), 0, true, "Linux", "aarch64"));
  }

  @Test
  void noSensorsOrProcFiles_giveNaNAndUnknowns() throws IOException {
    Files.createDirectories(root.resolve("proc"));
    DeviceProbe probe = new DeviceProbe(root);

    Telemetry t = probe.telemetry();

    assertTrue(Double.isNaN(t.cpuTemperatureC()));
    assertEquals(-1, t.freeMemoryBytes());
    assertTrue(Double.isNaN(t.loadAverage()));
  }

  @Test
  void thermalZonesWithoutCpuType_useTheHottest() throws IOException {
    write("sys/class/thermal/thermal_zone0/type", "acpitz\n");
    write("sys/class/thermal/thermal_zone0/temp", "30000\n");
    write("sys/class/thermal/thermal_zone3/type", "iwlwifi_1\n");
    write("sys/class/thermal/thermal_zone3/temp", "41000\n");

    assertEquals(41.0, new DeviceProbe(root).cpuTemperature());
  }

  @Test
  void classification_coversEveryClass() {
    assertEquals("mac", DeviceProbe.deviceClass("", false, "Mac OS X", false));
    assertEquals("gpu-desktop", DeviceProbe.deviceClass("", false, "Linux", true));
    assertEquals("generic", DeviceProbe.deviceClass("", false, "Linux", false));
    assertEquals("cuda: NVIDIA GeForce RTX 3090 24576 MiB", DeviceProbe.accelerator(
        List.of("NVIDIA GeForce RTX 3090 24576 MiB"), 1, false, "Linux", "amd64"));
    assertEquals("cuda: 2 GPUs", DeviceProbe.accelerator(List.of(), 2, false, "Linux", "amd64"));
    assertEquals("apple-silicon", DeviceProbe.accelerator(List.of(), 0, false, "Mac OS X",
        "aarch64"));
    assertEquals("none", DeviceProbe.accelerator(List.of(), 0, false, "Linux", "amd64"));
  }

  @Test
  void thisMachine_hasCoresMemoryAndLoad() {
    DeviceProbe probe = new DeviceProbe();

    DeviceFacts facts = probe.facts();

    assertTrue(facts.cores() >= 1);
    assertTrue(facts.memoryBytes() > 0);
    assertTrue(probe.telemetry().freeMemoryBytes() > 0);
    assertTrue(facts.extra().containsKey("java"));
  }
}

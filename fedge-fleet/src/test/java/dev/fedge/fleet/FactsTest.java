package dev.fedge.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.DeviceFacts;
import org.junit.jupiter.api.Test;

class FactsTest {

  static final String RASPBERRY_PI = """
      @@uname
      Linux
      6.1.0-rpi7-rpi-v8
      aarch64
      @@hostname
      rpi6404
      @@os-release
      PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
      NAME="Debian GNU/Linux"
      VERSION_ID="12"
      ID=debian
      @@sw_vers
      @@nproc
      4
      @@meminfo
      MemTotal:        3882500 kB
      MemFree:         2101348 kB
      MemAvailable:    3202160 kB
      Buffers:           60212 kB
      @@hw.memsize
      @@vm_stat
      @@thermal
      cpu-thermal 48312
      @@loadavg
      0.52 0.58 0.59 1/254 12873
      @@df
      /dev/mmcblk0p2    29801344  7350316  21185096      26% /
      @@nvidia-smi
      @@tegra
      @@model
      Raspberry Pi 4 Model B Rev 1.4
      @@end
      """;

  static final String JETSON_TX2 = """
      @@uname
      Linux
      4.9.253-tegra
      aarch64
      @@hostname
      tx2-01
      @@os-release
      NAME="Ubuntu"
      VERSION="18.04.6 LTS (Bionic Beaver)"
      PRETTY_NAME="Ubuntu 18.04.6 LTS"
      @@sw_vers
      @@nproc
      6
      @@meminfo
      MemTotal:        8038048 kB
      MemFree:         5720412 kB
      MemAvailable:    6911276 kB
      @@hw.memsize
      @@vm_stat
      @@thermal
      BCPMIC-therm 100000
      MCPU-therm 41000
      GPU-therm 39500
      PMIC-Die 100000
      Tboard_tegra 35000
      @@loadavg
      1.20 0.95 0.80 2/987 4410
      @@df
      /dev/mmcblk0p1     28768380 18220564   9063012      67% /
      @@nvidia-smi
      @@tegra
      # R32 (release), REVISION: 7.1, GCID: 29818004, BOARD: t186ref, EABI: aarch64, DATE: Sat Feb 19 17:07:00 UTC 2022
      @@model
      quill
      @@end
      """;

  static final String MAC = """
      @@uname
      Darwin
      23.2.0
      arm64
      @@hostname
      studio.local
      @@os-release
      @@sw_vers
      ProductName:		macOS
      ProductVersion:		14.2.1
      BuildVersion:		23C71
      @@nproc
      10
      @@meminfo
      @@hw.memsize
      34359738368
      @@vm_stat
      Mach Virtual Memory Statistics: (page size of 16384 bytes)
      Pages free:                               12000.
      Pages active:                            500000.
      Pages inactive:                          480000.
      Pages speculative:                         8000.
      Pages wired down:                        150000.
      @@thermal
      @@loadavg
      { 2.05 1.98 1.87 }
      @@df
      /dev/disk3s5  971350180 602180716 341278952    64%    /System/Volumes/Data
      @@nvidia-smi
      @@tegra
      @@model
      Mac13,1
      @@end
      """;

  static final String GPU_DESKTOP = """
      @@uname
      Linux
      5.15.0-91-generic
      x86_64
      @@hostname
      w01
      @@os-release
      PRETTY_NAME="Ubuntu 22.04.3 LTS"
      @@sw_vers
      @@nproc
      8
      @@meminfo
      MemTotal:       32778824 kB
      MemAvailable:   28000000 kB
      @@hw.memsize
      @@vm_stat
      @@thermal
      acpitz 27800
      x86_pkg_temp 45000
      @@loadavg
      0.10 0.20 0.30 1/500 999
      @@df
      /dev/nvme0n1p2   960000000 400000000 512000000      44% /
      @@nvidia-smi
      NVIDIA GeForce GTX 1080, 8192 MiB
      @@tegra
      @@model
      @@end
      """;

  @Test
  void raspberryPi() {
    HostFacts f = Facts.parse(RASPBERRY_PI);

    assertEquals("raspberry-pi", f.deviceClass());
    assertEquals("Debian GNU/Linux 12 (bookworm)", f.os());
    assertEquals("Linux 6.1.0-rpi7-rpi-v8", f.kernel());
    assertEquals("aarch64", f.arch());
    assertEquals(4, f.cores());
    assertEquals(3882500L * 1024, f.memTotalBytes());
    assertEquals(3202160L * 1024, f.memAvailableBytes());
    assertEquals(48.312, f.cpuTemperature().getAsDouble(), 1e-9);
    assertEquals("48.3 C", f.temperatureText());
    assertEquals("0.52 0.58 0.59", f.loadText());
    assertEquals(21185096L * 1024, f.diskFreeBytes());
    assertEquals("none", f.accelerator());
    assertEquals("Raspberry Pi 4 Model B Rev 1.4", f.model());
    assertEquals("rpi6404", f.hostname());
  }

  @Test
  void jetsonTakesTheCpuZoneAndTheL4tRelease() {
    HostFacts f = Facts.parse(JETSON_TX2);

    assertEquals("jetson", f.deviceClass());
    assertEquals("Ubuntu 18.04.6 LTS", f.os());
    assertEquals(6, f.cores());
    assertEquals(41.0, f.cpuTemperature().getAsDouble(), 1e-9, "MCPU-therm, not the PMIC");
    assertEquals("NVIDIA Jetson GPU (L4T R32.7.1)", f.accelerator());
    assertEquals(9063012L * 1024, f.diskFreeBytes());
  }

  @Test
  void macWithoutThermalZonesSaysNa() {
    HostFacts f = Facts.parse(MAC);

    assertEquals("mac", f.deviceClass());
    assertEquals("macOS 14.2.1", f.os());
    assertEquals("Darwin 23.2.0", f.kernel());
    assertEquals("arm64", f.arch());
    assertEquals(10, f.cores());
    assertEquals(34359738368L, f.memTotalBytes());
    assertEquals((12000L + 480000 + 8000) * 16384, f.memAvailableBytes());
    assertFalse(f.cpuTemperature().isPresent());
    assertEquals("n/a", f.temperatureText());
    assertEquals("n/a", f.toMap().get("cpu_temperature_c"));
    assertEquals("2.05 1.98 1.87", f.loadText());
    assertEquals(341278952L * 1024, f.diskFreeBytes());
    assertEquals("Apple GPU (Metal)", f.accelerator());
    assertEquals("Mac13,1", f.model());
  }

  @Test
  void gpuDesktop() {
    HostFacts f = Facts.parse(GPU_DESKTOP);

    assertEquals("gpu-desktop", f.deviceClass());
    assertEquals("NVIDIA GeForce GTX 1080 (8192 MiB)", f.accelerator());
    assertEquals(45.0, f.cpuTemperature().getAsDouble(), 1e-9, "package sensor over acpitz");
    assertEquals("x86_64", f.arch());
  }

  @Test
  void bareGenericHostHasUnknowns() {
    HostFacts f = Facts.parse("@@uname\nLinux\n6.1\nriscv64\n@@end\n");

    assertEquals("generic", f.deviceClass());
    assertEquals("Linux", f.os());
    assertEquals(0, f.cores());
    assertEquals(-1, f.memTotalBytes());
    assertEquals("n/a", f.loadText());
    assertEquals("n/a", HostFacts.humanBytes(f.diskFreeBytes()));
  }

  @Test
  void toDeviceFactsCarriesTheApiFields() {
    DeviceFacts d = Facts.parse(RASPBERRY_PI).toDeviceFacts();

    assertEquals("raspberry-pi", d.deviceClass());
    assertEquals("aarch64", d.arch());
    assertEquals(4, d.cores());
    assertEquals(3882500L * 1024, d.memoryBytes());
    assertEquals("48.3 C", d.extra().get("cpu_temperature"));
  }

  @Test
  void jsonOfFacts() {
    String json = AnsibleFormat.json(Facts.parse(MAC).toMap());

    assertTrue(json.startsWith("{\"hostname\": \"studio.local\", \"device_class\": \"mac\""), json);
    assertTrue(json.contains("\"cpu_temperature_c\": \"n/a\""), json);
    assertTrue(json.contains("\"load\": [2.05, 1.98, 1.87]"), json);
  }

  @Test
  void outputOfSomethingElseIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Facts.parse("bash: sh: command not found"));

    assertTrue(e.getMessage().contains("no @@uname section"), e.getMessage());
  }

  @Test
  void humanBytes() {
    assertEquals("512 B", HostFacts.humanBytes(512));
    assertEquals("3.7 GiB", HostFacts.humanBytes(3882500L * 1024));
  }
}

package dev.fedge.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.ml.TrainingDevice.Choice;
import org.junit.jupiter.api.Test;

class TrainingDeviceTest {

  @Test
  void gpuWithoutOne_isRefusedInOneLine_sayingWhy() {
    TrainingDevice.Unavailable none = assertThrows(TrainingDevice.Unavailable.class,
        () -> TrainingDevice.decide(Choice.GPU, 0, "cpu"));
    TrainingDevice.Unavailable cpuBuild = assertThrows(TrainingDevice.Unavailable.class,
        () -> TrainingDevice.decide(Choice.GPU, 2, "cpu"));

    assertEquals("--device gpu: no CUDA GPU on this machine; training needs --device cpu (or"
        + " auto) here (see docs/DEVICES.md)", none.getMessage());
    assertEquals("--device gpu: 2 CUDA GPUs present, but the PyTorch native in use is the CPU"
        + " build; training needs --device cpu (or auto) here (see docs/DEVICES.md)",
        cpuBuild.getMessage());
  }

  @Test
  void autoAndCpu_trainOnTheCpu_andSayWhy() {
    assertEquals("training on cpu (no CUDA GPU on this machine)",
        TrainingDevice.decide(Choice.AUTO, 0, "cpu").describe());
    assertEquals("training on cpu (1 CUDA GPU present with PyTorch cu124, but fedge's trainer"
        + " runs on the CPU only in this version)",
        TrainingDevice.decide(Choice.AUTO, 1, "cu124").describe());
    assertEquals("training on cpu (asked for)", TrainingDevice.decide(Choice.CPU, 1, "cu124")
        .describe());
  }

  @Test
  void choice_parsesTheThreeNames_andRefusesOthers() {
    assertEquals(Choice.GPU, Choice.parse(" GPU"));
    assertEquals("--device: unknown device 'tpu' (known: auto, cpu, gpu)",
        assertThrows(IllegalArgumentException.class, () -> Choice.parse("tpu")).getMessage());
  }

  @Test
  void thisMachine_hasTheCpuNative() {
    assertEquals("cpu", TrainingDevice.nativeFlavor());
  }
}

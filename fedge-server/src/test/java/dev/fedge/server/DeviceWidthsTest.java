package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.server.settings.Widths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceWidthsTest {

  /** A device with its memory; it is never asked to train here. */
  record Device(String id, long memory) implements ClientProxy {
    @Override
    public DeviceFacts facts() {
      return new DeviceFacts("linux", "aarch64", 4, memory, 0, "none", "generic", Map.of());
    }

    @Override
    public FitRes fit(FitIns ins) {
      throw new UnsupportedOperationException("not a training device");
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
      throw new UnsupportedOperationException("not a training device");
    }
  }

  /** The cnn's parameters at each width (docs/HETEROGENEITY.md). */
  private static long cnn(double w) {
    return w == 1 ? 1_663_370 : w == 0.5 ? 417_482 : 105_194;
  }

  @Test
  void aList_isGivenInTheOrderTheDevicesAreFirstSeen_andEachKeepsItsWidth() {
    DeviceWidths widths = new DeviceWidths(Widths.parse("1,0.5,none"), DeviceWidthsTest::cnn,
        c -> Double.NaN);
    Device b = new Device("b", 0);
    Device a = new Device("a", 0);
    Device c = new Device("c", 0);
    Device d = new Device("d", 0);

    List<Double> first = List.of(widths.width(b), widths.width(a), widths.width(c),
        widths.width(d));
    List<Double> again = List.of(widths.width(a), widths.width(d), widths.width(b),
        widths.width(c));

    assertEquals(List.of(1.0, 0.5, 0.0, 1.0), first);
    assertEquals(List.of(0.5, 1.0, 1.0, 0.0), again);
  }

  @Test
  void auto_choosesFromMemory_thenFromTheMeasuredSpeedScaledToTheFullModel() {
    Map<String, Double> speed = new HashMap<>();
    DeviceWidths widths = new DeviceWidths(Widths.parse("auto"), DeviceWidthsTest::cnn,
        c -> speed.getOrDefault(c.id(), Double.NaN));
    Device desktop = new Device("desktop", 16L << 30);
    Device pi = new Device("pi", 4L << 30);
    Device tiny = new Device("tiny", 780L << 20);

    // not measured yet: memory alone (twice the training estimate: the cnn needs 796 MiB, its
    // 1/2 submodel 739 MiB, so a 780 MiB device gets 1/2)
    assertEquals(1.0, widths.width(desktop));
    assertEquals(1.0, widths.width(pi));
    assertEquals(0.5, widths.width(tiny));
    // measured: the Pi is 20x slower than the desktop (two halvings by log4)
    speed.put("desktop", 2000.0);
    speed.put("pi", 100.0);
    assertEquals(1.0, widths.width(desktop));
    assertEquals(0.25, widths.width(pi));
    // its speed on the 1/4 submodel (16x the full model's rate) is scaled back: still 1/4
    speed.put("pi", 100.0 * cnn(1) / cnn(0.25));
    assertEquals(0.25, widths.width(pi));
  }
}

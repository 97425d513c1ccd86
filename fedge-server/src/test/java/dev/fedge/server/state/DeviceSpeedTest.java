package dev.fedge.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSpeedTest {

  private static FitRes fit(double steps, double images, double seconds) {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("w", new int[] {1})),
        new float[] {0});
    return new FitRes(p, 10, Map.of(FitRes.NUM_STEPS, steps, FitRes.TRAIN_IMAGES, images,
        FitRes.TRAIN_SECONDS, seconds));
  }

  @Test
  void firstTaskSetsTheSpeed_laterOnesMoveItByAlpha() {
    DeviceSpeed first = DeviceSpeed.UNKNOWN.observe(fit(10, 320, 2));
    DeviceSpeed second = first.observe(fit(10, 320, 1));

    assertEquals(160, first.imagesPerSecond(), 1e-9);
    assertEquals(5, first.stepsPerSecond(), 1e-9);
    assertEquals(1, first.tasks());
    assertEquals(0.3 * 320 + 0.7 * 160, second.imagesPerSecond(), 1e-9);
    assertEquals(0.3 * 10 + 0.7 * 5, second.stepsPerSecond(), 1e-9);
    assertEquals(2, second.tasks());
  }

  @Test
  void timedSteps_whenReported_giveTheStepsPerSecond() {
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("w", new int[] {1})),
        new float[] {0});
    // 10 steps done, the last 9 timed: 9 steps and 288 images in 1.5 s
    DeviceSpeed s = DeviceSpeed.UNKNOWN.observe(new FitRes(p, 10, Map.of(FitRes.NUM_STEPS, 10.0,
        FitRes.TRAIN_STEPS, 9.0, FitRes.TRAIN_IMAGES, 288.0, FitRes.TRAIN_SECONDS, 1.5)));

    assertEquals(192, s.imagesPerSecond(), 1e-9);
    assertEquals(6, s.stepsPerSecond(), 1e-9);
  }

  @Test
  void resultWithoutTiming_changesNothing() {
    DeviceSpeed s = DeviceSpeed.UNKNOWN.observe(fit(10, 320, 2));
    Parameters p = new Parameters(ParameterLayout.of(new TensorSpec("w", new int[] {1})),
        new float[] {0});

    assertSame(s, s.observe(new FitRes(p, 10, Map.of(FitRes.NUM_STEPS, 3.0))));
    assertSame(s, s.observe(fit(0, 0, 1)));
    assertFalse(DeviceSpeed.UNKNOWN.observe(fit(5, 100, 0)).measured());
    assertTrue(s.measured());
    assertThrows(IllegalArgumentException.class, () -> new DeviceSpeed(1, 1, -1));
  }
}

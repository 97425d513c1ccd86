package dev.fedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

  private static final Parameters ONE =
      new Parameters(ParameterLayout.of(new TensorSpec("w", new int[] {1})), new float[] {1});

  /** A device that takes {@code seconds} per call. */
  private record Device(String id, double seconds) implements ClientProxy {
    @Override
    public FitRes fit(FitIns ins) {
      return new FitRes(ONE, 1, Map.of());
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) {
      return new EvaluateRes(0, 1, Map.of());
    }
  }

  private static VirtualClock clock() {
    return new VirtualClock(c -> ((Device) c).seconds());
  }

  @Test
  void callsRunInTheOrderTheirDevicesFinish_andTheClockJumpsToEachFinish() throws Exception {
    VirtualClock clock = clock();
    List<String> ran = new ArrayList<>();
    for (Device d : List.of(new Device("pi", 9), new Device("gpu", 1), new Device("jetson", 3))) {
      clock.submit(d, () -> {
        ran.add(d.id());
        return d.fit(null);
      });
    }

    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Future<FitRes> f = clock.poll(0);
      assertTrue(f.isDone());
      times.add(clock.now());
    }

    assertEquals(List.of("gpu", "jetson", "pi"), ran);
    assertEquals(List.of(1.0, 3.0, 9.0), times);
    assertNull(clock.poll(0));
  }

  @Test
  void aCallStartedLaterFinishesFromThen_tiesGoToTheEarlierStarted_cancelledOnesNeverRun()
      throws Exception {
    VirtualClock clock = clock();
    List<String> ran = new ArrayList<>();
    Device gpu = new Device("gpu", 2);
    Device pi = new Device("pi", 4);
    clock.submit(pi, () -> record(ran, "pi-1"));
    clock.submit(gpu, () -> record(ran, "gpu-1"));
    Future<FitRes> dropped = clock.submit(new Device("lost", 1), () -> record(ran, "lost"));
    dropped.cancel(true);

    clock.poll(0); // gpu-1 at t = 2; its next call would finish at 4, as pi-1 does
    clock.submit(gpu, () -> record(ran, "gpu-2"));
    clock.poll(0);
    clock.poll(0);

    assertEquals(List.of("gpu-1", "pi-1", "gpu-2"), ran);
    assertEquals(4.0, clock.now());
  }

  private static FitRes record(List<String> ran, String what) {
    ran.add(what);
    return new FitRes(ONE, 1, Map.of());
  }

  @Test
  void aDeviceWithoutAValidDuration_isRefusedNamingIt() {
    VirtualClock clock = clock();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> clock.submit(new Device("broken", Double.NaN), () -> null));

    assertEquals("client 'broken': a call must take >= 0 virtual seconds, got NaN",
        e.getMessage());
  }
}

package dev.fedge.server.net;

import dev.fedge.server.state.EventRecord;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Disconnects devices that stopped heartbeating: every half heartbeat interval, a connected device
 * silent for longer than the heartbeat timeout is marked gone, its open tasks fail, and that is
 * logged and recorded. It comes back by calling again.
 */
final class HeartbeatReaper implements AutoCloseable {

  private final DeviceDirectory devices;
  private final Duration timeout;
  private final RegistryLog log;
  private final ScheduledExecutorService timer;

  /**
   * Starts reaping.
   *
   * @param devices the devices to watch
   * @param interval how often devices heartbeat
   * @param timeout silence after which a device counts as gone
   * @param log where disconnections are told
   */
  HeartbeatReaper(DeviceDirectory devices, Duration interval, Duration timeout, RegistryLog log) {
    this.devices = devices;
    this.timeout = timeout;
    this.log = log;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedge-heartbeat-reaper");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(50, interval.toMillis() / 2);
    timer.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
  }

  /** Disconnects every device silent for longer than the timeout. */
  void reap() {
    for (RemoteClient c : devices.silentLongerThan(timeout.toNanos())) {
      String reason = "disconnected: no heartbeat for " + timeout.toMillis() / 1000.0 + " s";
      c.disconnect(reason);
      log.event(EventRecord.DISCONNECTED, c.id(), c.id() + " " + reason);
      log.line("client " + c.id() + " " + reason);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

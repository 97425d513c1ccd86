package dev.fedge.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task on many hosts in parallel, each over its own SSH session, and collects one {@link
 * Outcome} per host in the order the hosts were given. A host that cannot be reached, or whose
 * task fails, never stops the others; every connection and command is bounded by the timeouts of
 * the {@link SshOptions}.
 *
 * <pre>{@code
 * Inventory inv = Inventory.read(Path.of("hosts.ini"));
 * try (Fleet fleet = new Fleet(SshOptions.defaults())) {
 *   for (Outcome<HostFacts> o : fleet.run(inv.select("rpi"), FleetTasks.facts())) { ... }
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable {

  private final SshConnector connector;

  /** A fleet reached with these options. */
  public Fleet(SshOptions options) {
    this.connector = new SshConnector(Objects.requireNonNull(options, "options"));
  }

  /** The options of this fleet. */
  public SshOptions options() {
    return connector.options();
  }

  /**
   * Runs a task on every host, {@link SshOptions#forks()} at a time.
   *
   * @return one outcome per host, in the order of {@code hosts}
   */
  public <T> List<Outcome<T>> run(List<Host> hosts, HostTask<T> task) {
    Objects.requireNonNull(task, "task");
    if (hosts.isEmpty()) {
      return List.of();
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(options().forks(), hosts.size()),
        r -> {
          Thread t = new Thread(r, "fedge-fleet-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<Outcome<T>>> futures = new ArrayList<>();
      for (Host h : hosts) {
        futures.add(pool.submit(() -> runOne(h, task)));
      }
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        try {
          outcomes.add(futures.get(i).get());
        } catch (ExecutionException e) {
          outcomes.add(Outcome.failed(hosts.get(i), SshConnector.reason(e.getCause())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          outcomes.add(Outcome.failed(hosts.get(i), "interrupted"));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Runs a task on one host over a new session. */
  public <T> Outcome<T> runOne(Host host, HostTask<T> task) {
    try (RemoteSession session = connector.open(host)) {
      T value;
      try {
        value = task.run(session);
      } catch (HostUnreachableException e) {
        return Outcome.unreachable(host, e.getMessage());
      } catch (Exception e) {
        return Outcome.failed(host, message(e));
      }
      if (value == null) {
        return Outcome.failed(host, "no result");
      }
      return Outcome.ok(host, value, session.hostKeyNote().orElse(""));
    } catch (HostUnreachableException e) {
      return Outcome.unreachable(host, e.getMessage());
    } catch (RuntimeException e) {
      return Outcome.failed(host, message(e));
    }
  }

  /** The exception's own message on one line, or its type when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getCause() != null ? message(e.getCause()) : e.getClass().getSimpleName();
    }
    return m.strip().replace('\n', ' ');
  }

  @Override
  public void close() {
    connector.close();
  }
}

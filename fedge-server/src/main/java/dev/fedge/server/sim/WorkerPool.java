package dev.fedge.server.sim;

import dev.fedge.api.ClientException;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The training worker processes of a simulation ({@link SimWorker}), and a {@link ClientProxy} per
 * simulated client that sends its fit and evaluate calls to the worker it was dealt to (client
 * {@code i} to worker {@code i mod N}). A worker answers one request at a time; the round loop asks
 * up to N clients at once and folds their updates in instruction order, so the run is the same for
 * any N.
 */
final class WorkerPool implements AutoCloseable {

  /** How long a worker may take to start and load its data. */
  private static final int START_TIMEOUT_MS = (int) TimeUnit.MINUTES.toMillis(5);

  /** What every worker needs to rebuild the simulation's data and model. */
  record Setup(String dataset, Path dataDir, int trainLimit, int testLimit, int clientTestLimit,
      String model, long seed, int threads) {}

  private final List<Worker> workers = new ArrayList<>();

  private WorkerPool() {}

  /**
   * Starts {@code n} workers and deals the clients to them.
   *
   * @param n worker processes (>= 1)
   * @param setup data and model
   * @param partition each client's training image indices, by client index
   * @param layout the model's parameter layout (checked against each worker's)
   * @return the running pool
   * @throws IOException when a worker cannot be started or set up, naming it and why
   */
  static WorkerPool start(int n, Setup setup, List<int[]> partition, ParameterLayout layout)
      throws IOException {
    WorkerPool pool = new WorkerPool();
    try (ServerSocket listen = new ServerSocket(0, n, InetAddress.getLoopbackAddress())) {
      listen.setSoTimeout(START_TIMEOUT_MS);
      for (int w = 0; w < n; w++) {
        pool.workers.add(Worker.spawn(w, listen.getLocalPort(), heapMib(n)));
      }
      for (int connected = 0; connected < n; connected++) {
        Socket s;
        try {
          s = listen.accept();
        } catch (SocketTimeoutException e) {
          throw new IOException("training workers: " + (n - connected) + " of " + n
              + " did not connect within " + START_TIMEOUT_MS / 1000 + " s"
              + pool.deadWorkers());
        }
        pool.attach(s);
      }
      for (Worker w : pool.workers) {
        w.init(setup, partition, n);
      }
      for (Worker w : pool.workers) {
        w.awaitReady(layout);
      }
      return pool;
    } catch (IOException | RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private void attach(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
    String token = WorkerWire.readString(in);
    for (Worker w : workers) {
      if (w.token.equals(token)) {
        w.connect(s, in);
        return;
      }
    }
    s.close();
    throw new IOException("training workers: a connection with an unknown token");
  }

  private String deadWorkers() {
    StringBuilder b = new StringBuilder();
    for (Worker w : workers) {
      if (!w.process.isAlive()) {
        b.append("; worker ").append(w.index).append(' ').append(w.exitReason());
      }
    }
    return b.toString();
  }

  /** Heap per worker: a share of this JVM's, at least 768 MiB. */
  private static long heapMib(int n) {
    return Math.max(768, Runtime.getRuntime().maxMemory() / (1 << 20) / Math.max(1, n));
  }

  /** Number of workers. */
  int size() {
    return workers.size();
  }

  /**
   * The proxy of client {@code index}.
   *
   * @param index the client's index in the partition
   * @param id its id, e.g. {@code client-003}
   */
  ClientProxy client(int index, String id) {
    Worker w = workers.get(index % workers.size());
    return new ClientProxy() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public DeviceFacts facts() {
        return DeviceFacts.unknown();
      }

      @Override
      public FitRes fit(FitIns ins) throws ClientException {
        return w.call(id, WorkerWire.FIT, index, ins.config(), ins.parameters().values(),
            in -> WorkerWire.readFitRes(in, ins.parameters().layout()));
      }

      @Override
      public EvaluateRes evaluate(EvaluateIns ins) throws ClientException {
        return w.call(id, WorkerWire.EVALUATE, index, ins.config(), ins.parameters().values(),
            WorkerWire::readEvaluateRes);
      }
    };
  }

  @Override
  public void close() {
    for (Worker w : workers) {
      w.quit();
    }
    for (Worker w : workers) {
      w.reap();
    }
  }

  /** Reads a reply. */
  @FunctionalInterface
  private interface Reply<T> {
    T read(DataInputStream in) throws IOException;
  }

  /** One worker process and its connection. */
  private static final class Worker {
    final int index;
    final String token;
    final Process process;
    final Path log;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private String broken;

    private Worker(int index, String token, Process process, Path log) {
      this.index = index;
      this.token = token;
      this.process = process;
      this.log = log;
    }

    static Worker spawn(int index, int port, long heapMib) throws IOException {
      byte[] t = new byte[16];
      new SecureRandom().nextBytes(t);
      String token = HexFormat.of().formatHex(t);
      Path log = Files.createTempFile("fedge-worker-" + index + "-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + heapMib + "m");
      for (Map.Entry<Object, Object> p : System.getProperties().entrySet()) {
        String k = p.getKey().toString();
        if (k.startsWith("ai.djl.") || k.startsWith("fedge.") || k.equals("java.io.tmpdir")) {
          cmd.add("-D" + k + "=" + p.getValue());
        }
      }
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(SimWorker.class.getName());
      cmd.add(Integer.toString(port));
      cmd.add(token);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new Worker(index, token, p, log);
    }

    void connect(Socket s, DataInputStream in) throws IOException {
      this.socket = s;
      this.in = in;
      this.out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
    }

    void init(Setup setup, List<int[]> partition, int workers) throws IOException {
      WorkerWire.writeString(out, setup.dataset());
      WorkerWire.writeString(out, setup.dataDir().toString());
      out.writeInt(setup.trainLimit());
      out.writeInt(setup.testLimit());
      out.writeInt(setup.clientTestLimit());
      WorkerWire.writeString(out, setup.model());
      out.writeLong(setup.seed());
      out.writeInt(setup.threads());
      List<Integer> mine = new ArrayList<>();
      for (int c = index; c < partition.size(); c += workers) {
        mine.add(c);
      }
      out.writeInt(mine.size());
      for (int c : mine) {
        out.writeInt(c);
        WorkerWire.writeInts(out, partition.get(c));
      }
      out.flush();
    }

    void awaitReady(ParameterLayout layout) throws IOException {
      try {
        byte b = in.readByte();
        if (b == WorkerWire.ERROR) {
          throw new IOException("training worker " + index + ": " + WorkerWire.readString(in));
        }
        int size = in.readInt();
        if (size != layout.totalSize()) {
          throw new IOException("training worker " + index + ": model has " + size
              + " values, the simulation's " + layout.totalSize());
        }
      } catch (java.io.EOFException e) {
        throw new IOException("training worker " + index + " " + exitReason());
      }
    }

    synchronized <T> T call(String client, byte request, int clientIndex, Config config,
        float[] values, Reply<T> reply) throws ClientException {
      if (broken != null) {
        throw new ClientException(client + ": " + broken);
      }
      try {
        out.writeByte(request);
        out.writeInt(clientIndex);
        WorkerWire.writeConfig(out, config);
        WorkerWire.writeFloats(out, values);
        out.flush();
        byte b = in.readByte();
        if (b == WorkerWire.ERROR) {
          throw new ClientException(client + ": " + WorkerWire.readString(in));
        }
        return reply.read(in);
      } catch (IOException e) {
        broken = "training worker " + index + " " + exitReason();
        throw new ClientException(client + ": " + broken, e);
      }
    }

    /** Why the process is gone (or that it stopped answering), with its log's last line. */
    String exitReason() {
      String how;
      try {
        how = process.waitFor(2, TimeUnit.SECONDS)
            ? "exited with code " + process.exitValue() : "stopped answering";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        how = "stopped answering";
      }
      String last = "";
      try {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
          if (!lines.get(i).isBlank()) {
            last = ": " + lines.get(i).trim();
            break;
          }
        }
      } catch (IOException e) {
        // no log to quote
      }
      return how + last + " (log " + log + ")";
    }

    void quit() {
      if (out != null && broken == null) {
        try {
          out.writeByte(WorkerWire.QUIT);
          out.flush();
        } catch (IOException e) {
          // it is gone already
        }
      }
    }

    void reap() {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (socket != null) {
          socket.close();
        }
        if (broken == null && process.exitValue() == 0) {
          Files.deleteIfExists(log);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (IOException | IllegalThreadStateException e) {
        // leave the log for whoever looks
      }
    }
  }
}

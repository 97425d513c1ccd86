package dev.fedge.cli;

import dev.fedge.api.DeviceFacts;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.server.FederationServer;
import dev.fedge.server.state.RunSpec;
import dev.fedge.strategy.FedAvg;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.TaskSpec;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fedge bench server}: the networked server's round wall time and peak memory with N
 * clients that do no training and send the model back slightly changed. For each configuration it
 * starts a real {@code fedge} server process (FedAvg, every round's model saved to its model store
 * and state file as usual) and a second process with N client threads, each on its own gRPC
 * connection through the real {@link FederationClient}. Reports the wall time of each round
 * (from the round's start to its model being saved), the server's peak resident set ({@code VmHWM})
 * and heap, and the bytes moved per round.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Time the networked server's rounds with N clients that do no training, and its peak"
          + " memory.",
      "Each configuration runs a server process and a client process on 127.0.0.1."
    })
public final class BenchServerCommand extends BaseCommand {

  private static final double MIB = 1024.0 * 1024.0;
  private static final float CHANGE = 1e-3f;
  private static final Pattern ROUND_STARTED = Pattern.compile("round (\\d+)/\\d+ started");
  private static final Pattern ROUND_DONE = Pattern.compile("round (\\d+)/\\d+ done");

  @Option(names = "--clients", paramLabel = "N[,N...]", split = ",", defaultValue = "2,8,32",
      description = "Numbers of clients (default ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--params", paramLabel = "P[,P...]", split = ",",
      defaultValue = "1000000,11700000",
      description = "Float32 parameters of the model (default ${DEFAULT-VALUE}).")
  List<Integer> params;

  @Option(names = "--codec", paramLabel = "C[,C...]", split = ",", defaultValue = "float32",
      description = "Update codecs: float32, float16, int8 (default ${DEFAULT-VALUE}).")
  List<String> codecs;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Rounds per configuration; round 1 is warm-up (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--server-heap", defaultValue = "model",
      description = "-Xmx of the server process: a size (e.g. 2g), 'model' to size it from the"
          + " model and the upload limit, or 'auto' for the JVM's default"
          + " (default ${DEFAULT-VALUE}).")
  String serverHeap;

  @Option(names = "--client-heap", defaultValue = "3g",
      description = "-Xmx of the client process (default ${DEFAULT-VALUE}).")
  String clientHeap;

  @Option(names = "--max-concurrent-uploads", defaultValue = "4",
      description = "The server's limit of uploads held at once (default ${DEFAULT-VALUE}).")
  int maxUploads;

  @Option(names = "--role", hidden = true, defaultValue = "driver")
  String role;

  @Option(names = "--port", hidden = true, defaultValue = "0")
  int port;

  @Option(names = "--state-dir", hidden = true)
  Path stateDir;

  @Override
  protected int doCall() throws Exception {
    if (rounds < 2) {
      throw new IllegalArgumentException("--rounds must be >= 2 (round 1 is warm-up), got "
          + rounds);
    }
    for (int n : clients) {
      if (n < 1) {
        throw new IllegalArgumentException("--clients must be >= 1, got " + n);
      }
    }
    for (int p : params) {
      if (p < 1) {
        throw new IllegalArgumentException("--params must be >= 1, got " + p);
      }
    }
    codecs.forEach(Codecs::byName);
    return switch (role) {
      case "driver" -> driver();
      case "server" -> serverRole();
      case "clients" -> clientsRole();
      default -> throw new IllegalArgumentException("--role: unknown role '" + role + "'");
    };
  }

  // ---- driver ----------------------------------------------------------------------------------

  private int driver() throws Exception {
    out().println("| clients | params | codec | round s (rounds 2.." + rounds + ") | each round s"
        + " | server RSS peak MiB | server heap peak MiB | down MB/round | up MB/round |");
    out().println("|---:|---:|---|---:|---|---:|---:|---:|---:|");
    out().flush();
    for (int p : params) {
      for (String codec : codecs) {
        for (int n : clients) {
          out().println(measure(n, p, codec));
          out().flush();
        }
      }
    }
    return 0;
  }

  private String measure(int n, int p, String codec) throws Exception {
    Path state = Files.createTempDirectory("fedge-bench-server");
    int benchPort;
    try (ServerSocket s = new ServerSocket(0)) {
      benchPort = s.getLocalPort();
    }
    List<String> common = List.of("--params", Integer.toString(p), "--clients",
        Integer.toString(n), "--codec", codec, "--rounds", Integer.toString(rounds),
        "--port", Integer.toString(benchPort), "--max-concurrent-uploads",
        Integer.toString(maxUploads));
    List<String> serverArgs = new ArrayList<>(common);
    serverArgs.addAll(List.of("--role", "server", "--state-dir", state.toString()));
    List<String> clientArgs = new ArrayList<>(common);
    clientArgs.addAll(List.of("--role", "clients"));
    Process server = BenchChildren.spawn(
        serverHeap.equals("model") ? serverHeapMib(p, maxUploads, codec) + "m" : serverHeap,
        serverArgs);
    List<String> serverOut = new ArrayList<>();
    Thread serverReader = BenchChildren.reader(server, serverOut);
    BenchChildren.waitFor(serverOut, "bench-server listening", server);
    Process cl = BenchChildren.spawn(clientHeap, clientArgs);
    List<String> clientOut = new ArrayList<>();
    Thread clientReader = BenchChildren.reader(cl, clientOut);
    try {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
      while (server.isAlive() && System.nanoTime() < until) {
        if (!cl.isAlive() && cl.exitValue() != 0) {
          throw new ExitException(ExitException.FAILURE, "bench clients failed:\n"
              + String.join("\n", BenchChildren.tail(clientOut)) + "\nthe server's last lines:\n"
              + String.join("\n", BenchChildren.tail(serverOut)));
        }
        server.waitFor(200, TimeUnit.MILLISECONDS);
      }
      if (server.isAlive() || server.exitValue() != 0) {
        throw new ExitException(ExitException.FAILURE, "bench server failed:\n"
            + String.join("\n", BenchChildren.tail(serverOut)));
      }
      if (!cl.waitFor(2, TimeUnit.MINUTES) || cl.exitValue() != 0) {
        throw new ExitException(ExitException.FAILURE, "bench clients failed:\n"
            + String.join("\n", BenchChildren.tail(clientOut)));
      }
      serverReader.join(5000);
      clientReader.join(5000);
    } finally {
      server.destroyForcibly();
      cl.destroyForcibly();
      BenchChildren.deleteTree(state);
    }
    double[] seconds = new double[rounds + 1];
    long rssKib = -1;
    long heapPeak = -1;
    for (String line : BenchChildren.snapshot(serverOut)) {
      String[] f = line.split(" ");
      if (line.startsWith("bench-round ")) {
        seconds[Integer.parseInt(f[1])] = Double.parseDouble(f[2]);
      } else if (line.startsWith("bench-memory ")) {
        rssKib = Long.parseLong(f[1]);
        heapPeak = Long.parseLong(f[2]);
      }
    }
    long down = 0;
    long up = 0;
    int counted = 0;
    for (String line : BenchChildren.snapshot(clientOut)) {
      if (line.startsWith("bench-bytes ")) {
        String[] f = line.split(" ");
        if (Integer.parseInt(f[1]) >= 2) {
          down += Long.parseLong(f[2]);
          up += Long.parseLong(f[3]);
          counted++;
        }
      }
    }
    double sum = 0;
    StringBuilder each = new StringBuilder();
    for (int r = 1; r <= rounds; r++) {
      if (r >= 2) {
        sum += seconds[r];
      }
      each.append(r == 1 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", seconds[r]));
    }
    return String.format(Locale.ROOT, "| %d | %,d | %s | %.2f | %s | %.0f | %.0f | %.2f | %.2f |",
        n, p, codec, sum / (rounds - 1), each, rssKib / 1024.0, heapPeak / MIB,
        counted == 0 ? 0 : down / 1e6 / counted, counted == 0 ? 0 : up / 1e6 / counted);
  }

  /**
   * The server heap a FedAvg round needs, from the model: what the server holds at once is
   * O(model), whatever the number of clients: the global model and the next one, the double
   * accumulator (two models' worth), the encoded model clients download and one upload array per
   * upload permit (a float32 upload is folded straight from that array); that is {@code 5 +
   * maxUploads} float32 models, plus two for the garbage collector's headroom (the accumulator is
   * one 2-model array that G1 must find contiguous regions for; with one model of headroom a
   * 32-client run needed back-to-back full collections to place it) and 96 MiB for everything
   * else. Other codecs' uploads are decoded into arrays first, with up to {@code
   * FederationServer.RESULTS_IN_MEMORY} (2) waiting to be folded: two models more.
   *
   * @param params float32 parameters of the model
   * @param maxUploads the server's limit of uploads held at once
   * @param codec the uploads' codec
   * @return {@code -Xmx} in MiB
   */
  static long serverHeapMib(int params, int maxUploads, String codec) {
    long model = 4L * params;
    long models = 7L + maxUploads + (codec.equals("float32") ? 0 : 2);
    return ((models * model + (1L << 20) - 1) >> 20) + 96;
  }

  // ---- server role -----------------------------------------------------------------------------

  private int serverRole() throws Exception {
    int n = clients.get(0);
    int p = params.get(0);
    String codec = codecs.get(0);
    ParameterLayout layout = BenchAggregateCommand.layout(p);
    float[] init = new float[p];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < p; i++) {
      init[i] = (float) (rnd.nextGaussian() * 0.05);
    }
    Parameters initial = new Parameters(layout, init);
    FederationServer.Settings settings = new FederationServer.Settings(stateDir, "127.0.0.1",
        port, null, null, null, Duration.ofSeconds(2), Duration.ofMinutes(10), maxUploads, 256);
    FederationServer.RunFactory factory = spec -> new FederationServer.RunSetup(
        new FedAvg(StrategySettings.defaults().withSampling(1.0, n)), initial, null, null);
    long[] started = new long[rounds + 2];
    java.util.function.Consumer<String> log = line -> {
      long now = System.nanoTime();
      Matcher s = ROUND_STARTED.matcher(line);
      Matcher d = ROUND_DONE.matcher(line);
      synchronized (out()) {
        if (s.lookingAt()) {
          started[Integer.parseInt(s.group(1))] = now;
        } else if (d.lookingAt()) {
          int r = Integer.parseInt(d.group(1));
          out().println(String.format(Locale.ROOT, "bench-round %d %.3f", r,
              (now - started[r]) / 1e9));
        }
        out().println(line);
        out().flush();
      }
    };
    try (FederationServer server = FederationServer.start(settings, factory, log)) {
      out().println("bench-server listening on " + server.port());
      out().flush();
      server.run(new RunSpec("bench", "bench", "bench", rounds, n, n, Duration.ofMinutes(30),
          codec, Map.of("strategy", "fedavg")));
    }
    out().println("bench-memory " + MemoryStats.rssPeakKib() + " " + MemoryStats.heapPeakBytes());
    out().flush();
    return 0;
  }



  // ---- clients role ----------------------------------------------------------------------------

  private int clientsRole() throws Exception {
    int n = clients.get(0);
    Map<String, CompletableFuture<byte[]>> uploads = new ConcurrentHashMap<>();
    Map<Integer, AtomicLong> down = new ConcurrentHashMap<>();
    Map<Integer, AtomicLong> up = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = "bench-" + i;
      threads.add(CompletableFuture.runAsync(() -> fakeClient(name, uploads, down, up),
          runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            t.start();
          }));
    }
    for (CompletableFuture<Void> t : threads) {
      t.get(60, TimeUnit.MINUTES);
    }
    for (int r = 1; r <= rounds; r++) {
      out().println("bench-bytes " + r + " " + down.getOrDefault(r, new AtomicLong()).get() + " "
          + up.getOrDefault(r, new AtomicLong()).get());
    }
    out().flush();
    return 0;
  }

  /**
   * One client: for each task, downloads the model (checked, not kept) and sends back the model
   * plus 0.001 in every value, encoded with the task's codec. The first client to get a model
   * makes that upload; the others send the same bytes.
   */
  private void fakeClient(String name, Map<String, CompletableFuture<byte[]>> uploads,
      Map<Integer, AtomicLong> down, Map<Integer, AtomicLong> up) {
    try (FederationClient c = FederationClient.connect("127.0.0.1:" + port, null)) {
      register(c, name);
      int done = 0;
      while (done < rounds) {
        Optional<TaskSpec> next;
        try {
          next = c.pullTask(Duration.ofSeconds(5));
        } catch (FederationException e) {
          if (e.isTransient()) {
            Thread.sleep(200);
            continue;
          }
          throw e;
        }
        if (next.isEmpty()) {
          continue;
        }
        TaskSpec task = next.get();
        String key = task.model().id() + "/" + task.codec() + "/" + task.delta();
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> shared = uploads.putIfAbsent(key, mine);
        byte[] data;
        if (shared == null) {
          byte[] model = retry(name, () -> c.downloadModel(task.model()));
          data = changed(task, model);
          mine.complete(data);
        } else {
          retry(name, () -> {
            c.downloadModel(task.model(), (chunk, offset) -> { });
            return null;
          });
          data = shared.get(30, TimeUnit.MINUTES);
        }
        down.computeIfAbsent(task.round(), r -> new AtomicLong()).addAndGet(task.model().length());
        retry(name, () -> {
          c.uploadResult(task.taskId(), 100, Map.of(), task.codec(), task.layout(), task.delta(),
              data);
          return null;
        });
        up.computeIfAbsent(task.round(), r -> new AtomicLong()).addAndGet(data.length);
        done++;
      }
    } catch (Exception e) {
      throw new IllegalStateException(name + ": " + e, e);
    }
  }

  /** Runs a transfer, trying again (up to 5 times) when it fails on the way; says why. */
  private <T> T retry(String name, java.util.concurrent.Callable<T> call) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (FederationException e) {
        boolean again = e.isTransient() || e.code() == FederationException.Code.INTERNAL
            || e.code() == FederationException.Code.CANCELLED
            || e.code() == FederationException.Code.DATA_LOSS;
        synchronized (out()) {
          out().println(name + ": attempt " + attempt + " failed: " + e);
          out().flush();
        }
        if (!again || attempt >= 5) {
          throw e;
        }
        Thread.sleep(500L * attempt);
      }
    }
  }

  private static void register(FederationClient c, String name) throws InterruptedException {
    while (true) {
      try {
        c.register("", name, DeviceFacts.unknown());
        return;
      } catch (FederationException e) {
        if (!e.isTransient()) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static byte[] changed(TaskSpec task, byte[] model) {
    WireCodec codec = Codecs.byName(task.codec());
    if (task.delta()) {
      float[] d = new float[task.layout().totalSize()];
      Arrays.fill(d, CHANGE);
      return codec.encode(new Parameters(task.layout(), d));
    }
    float[] v = new Float32Codec().decode(task.layout(), model).values();
    for (int i = 0; i < v.length; i++) {
      v[i] += CHANGE;
    }
    return codec.encode(new Parameters(task.layout(), v));
  }
}

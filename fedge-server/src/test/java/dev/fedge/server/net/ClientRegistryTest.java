package dev.fedge.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.ClientException;
import dev.fedge.api.ClientFailure;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.Config;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.EncodedFitClient;
import dev.fedge.api.EncodedFitRes;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.server.Coordinator;
import dev.fedge.server.CoordinatorSettings;
import dev.fedge.server.RoundListener;
import dev.fedge.server.RoundResult;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.state.StateStore;
import dev.fedge.strategy.FedAvg;
import dev.fedge.strategy.StrategySettings;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationClient;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.Registration;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.TransportServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ClientRegistryTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(
      new TensorSpec("conv.weight", new int[] {4, 1, 3, 3}), new TensorSpec("fc.bias", new int[] {10}));
  static final DeviceFacts FACTS =
      new DeviceFacts("Linux 6.1", "amd64", 2, 8L << 30, 1L << 30, "none", "generic", Map.of());

  @TempDir Path dir;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private StateStore state;
  private ClientRegistry registry;
  private TransportServer server;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private void start(ClientRegistry.Settings settings, String codec) throws Exception {
    if (state == null) {
      state = StateStore.open(dir.resolve("fedge.db"));
      closeLater.add(state);
    }
    registry = new ClientRegistry(settings, state, log::add);
    registry.setRun("run1", codec);
    closeLater.add(registry);
    server = TransportServer.start(registry,
        new TransportServer.Options("127.0.0.1", 0, null, null, 2));
    closeLater.add(server);
  }

  private FederationClient device(String name) {
    FederationClient c = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(c);
    c.register("", name, FACTS);
    return c;
  }

  private static Parameters params(float base) {
    float[] v = new float[LAYOUT.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = base + i * 0.01f;
    }
    return new Parameters(LAYOUT, v);
  }

  private CompletableFuture<FitRes> fitAsync(ClientProxy proxy, Parameters global) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return proxy.fit(new FitIns(global, Config.of("round", 1, "lr", 0.1)));
      } catch (ClientException e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static Throwable cause(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    return e.getCause() instanceof RuntimeException r && r.getCause() instanceof ClientException c
        ? c : e.getCause();
  }

  @Test
  void fit_postsTask_deviceDownloadsTrainsUploads_fitReturnsItsModel() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    Parameters global = params(1f);

    CompletableFuture<FitRes> fit = fitAsync(registry.available().get(0), global);
    TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    byte[] model = device.downloadModel(task.model());
    Parameters down = new Float32Codec().decode(task.layout(), model);
    Parameters trained = params(2f);
    device.uploadResult(task.taskId(), 123, Map.of("loss", 0.25), "float32", task.layout(), false,
        new Float32Codec().encode(trained));

    FitRes res = fit.get(10, TimeUnit.SECONDS);
    assertEquals(global, down);
    assertEquals(1, task.round());
    assertEquals("run1", task.runId());
    assertEquals(0.1, task.config().getDouble("lr", 0));
    assertEquals(trained, res.parameters());
    assertEquals(123, res.numExamples());
    assertEquals(Map.of("loss", 0.25), res.metrics());
    assertTrue(device.pullTask(Duration.ofMillis(50)).isEmpty(), "done task is not redelivered");
  }

  @Test
  void aSlowDevicesTaskOutlivesItsModel_itsDownloadIsStillServed_butNotToAnotherDevice()
      throws Exception {
    // an asynchronous strategy gives "fast" a newer model while "slow" has not downloaded its own
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient slow = device("slow");
    FederationClient fast = device("fast");
    ClientProxy slowProxy = registry.available().get(0);
    ClientProxy fastProxy = registry.available().get(1);
    Parameters older = params(1f);
    Parameters newer = params(2f);

    CompletableFuture<FitRes> slowFit = fitAsync(slowProxy, older);
    TaskSpec slowTask = slow.pullTask(Duration.ofSeconds(10)).orElseThrow();
    fitAsync(fastProxy, newer);
    TaskSpec fastTask = fast.pullTask(Duration.ofSeconds(10)).orElseThrow();
    Parameters fastDown =
        new Float32Codec().decode(fastTask.layout(), fast.downloadModel(fastTask.model()));
    Parameters slowDown =
        new Float32Codec().decode(slowTask.layout(), slow.downloadModel(slowTask.model()));

    assertEquals(newer, fastDown);
    assertEquals(older, slowDown);
    assertNotEquals(slowTask.model().id(), fastTask.model().id());
    assertThrows(RuntimeException.class, () -> fast.downloadModel(slowTask.model()),
        "the older model is served only for the task that needs it");
    slow.uploadResult(slowTask.taskId(), 10, Map.of(), "float32", slowTask.layout(), false,
        new Float32Codec().encode(params(3f)));
    assertEquals(params(3f), slowFit.get(10, TimeUnit.SECONDS).parameters());
  }

  @Test
  void lossyCodecs_uploadDifferences_serverRebuildsTheModel() throws Exception {
    for (String codec : List.of("float16", "int8")) {
      start(ClientRegistry.Settings.defaults(), codec);
      FederationClient device = device("dev-" + codec);
      Parameters global = params(1f);
      WireCodec c = Codecs.byName(codec);

      CompletableFuture<FitRes> fit = fitAsync(registry.available().get(0), global);
      TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
      float[] trained = params(1.05f).values();
      float[] diff = new float[trained.length];
      for (int i = 0; i < diff.length; i++) {
        diff[i] = trained[i] - global.values()[i];
      }
      device.uploadResult(task.taskId(), 10, Map.of(), codec, LAYOUT, true,
          c.encode(new Parameters(LAYOUT, diff)));

      FitRes res = fit.get(10, TimeUnit.SECONDS);
      assertTrue(task.delta());
      assertEquals(codec, task.codec());
      for (int i = 0; i < trained.length; i++) {
        assertEquals(trained[i], res.parameters().values()[i], 1e-3, codec + " value " + i);
      }
      tearDown();
      closeLater.clear();
      state = null;
    }
  }

  @Test
  void badUploads_areRefusedWithReasons_taskFails_andEventsAreLogged() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    FederationClient other = device("dev-b");
    Float32Codec f32 = new Float32Codec();
    ClientProxy a = registry.available().get(0);
    Parameters global = params(1f);

    // unknown task, someone else's task
    CompletableFuture<FitRes> fit = fitAsync(a, global);
    TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    FederationException unknown = assertThrows(FederationException.class, () ->
        device.uploadResult("t-nope", 1, Map.of(), "float32", LAYOUT, false, f32.encode(global)));
    FederationException stolen = assertThrows(FederationException.class, () ->
        other.uploadResult(task.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            f32.encode(global)));
    assertEquals(FederationException.Code.NOT_FOUND, unknown.code());
    assertEquals("unknown task 't-nope'", unknown.getMessage());
    assertEquals(FederationException.Code.PERMISSION_DENIED, stolen.code());
    assertEquals("task " + task.taskId() + " belongs to another client", stolen.getMessage());

    // NaN: refused, the fit fails with the reason
    float[] nan = global.values().clone();
    nan[7] = Float.NaN;
    FederationException nanError = assertThrows(FederationException.class, () ->
        device.uploadResult(task.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            f32.encode(new Parameters(LAYOUT, nan))));
    assertEquals(FederationException.Code.INVALID_ARGUMENT, nanError.code());
    assertEquals("update has a non-finite value (NaN) at index 7, in tensor 'conv.weight'",
        nanError.getMessage());
    Throwable failed = cause(fit);
    assertTrue(failed instanceof ClientException, String.valueOf(failed));
    assertTrue(failed.getMessage().contains("rejected upload: update has a non-finite value"),
        failed.getMessage());
    FederationException closed = assertThrows(FederationException.class, () ->
        device.uploadResult(task.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            f32.encode(global)));
    assertEquals(FederationException.Code.FAILED_PRECONDITION, closed.code());

    // wrong layout, wrong length, too large, wrong codec: each on a fresh task
    ParameterLayout wrongShape = ParameterLayout.of(
        new TensorSpec("conv.weight", new int[] {4, 1, 3, 3}),
        new TensorSpec("fc.bias", new int[] {11}));
    assertRefused(a, device, global, FederationException.Code.INVALID_ARGUMENT,
        "upload layout does not match the model: tensor 'fc.bias' has shape [11], the model's"
            + " is [10]",
        t -> device.uploadResult(t.taskId(), 1, Map.of(), "float32", wrongShape, false,
            new byte[4 * wrongShape.totalSize()]));
    assertRefused(a, device, global, FederationException.Code.INVALID_ARGUMENT,
        "update of 100 bytes does not match the model: it takes 184 bytes as float32",
        t -> device.uploadResult(t.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            new byte[100]));
    assertRefused(a, device, global, FederationException.Code.RESOURCE_EXHAUSTED,
        "update of 10000000 bytes is larger than allowed: the model takes 184 bytes as float32",
        t -> device.uploadResult(t.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            new byte[10_000_000]));
    assertRefused(a, device, global, FederationException.Code.INVALID_ARGUMENT,
        "upload codec 'int8' does not match the task's 'float32'",
        t -> device.uploadResult(t.taskId(), 1, Map.of(), "int8", LAYOUT, false,
            Codecs.byName("int8").encode(global)));

    // a good upload, then the same again
    CompletableFuture<FitRes> ok = fitAsync(a, global);
    TaskSpec t2 = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    device.uploadResult(t2.taskId(), 5, Map.of(), "float32", LAYOUT, false, f32.encode(global));
    assertEquals(5, ok.get(10, TimeUnit.SECONDS).numExamples());
    FederationException dup = assertThrows(FederationException.class, () ->
        device.uploadResult(t2.taskId(), 5, Map.of(), "float32", LAYOUT, false,
            f32.encode(global)));
    assertEquals(FederationException.Code.ALREADY_EXISTS, dup.code());
    assertEquals("task " + t2.taskId() + " already has a result", dup.getMessage());

    List<String> rejected = state.events(EventRecord.REJECTED).stream()
        .map(EventRecord::message).toList();
    assertEquals(9, rejected.size(), rejected.toString());
    assertTrue(rejected.get(2).startsWith("UploadResult refused (INVALID_ARGUMENT): update has a"
        + " non-finite value (NaN) at index 7"), rejected.get(2));
    assertEquals("c1", state.events(EventRecord.REJECTED).get(2).clientId());
  }

  private void assertRefused(ClientProxy proxy, FederationClient device, Parameters global,
      FederationException.Code code, String message, java.util.function.Consumer<TaskSpec> upload)
      throws Exception {
    CompletableFuture<FitRes> fit = fitAsync(proxy, global);
    TaskSpec t = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    FederationException e = assertThrows(FederationException.class, () -> upload.accept(t));
    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
    assertTrue(cause(fit).getMessage().endsWith("rejected upload: " + message));
  }

  @Test
  void fitEncoded_float32Upload_isHandedOnAsCheckedBytes_andAnsweredOnlyOnceReleased()
      throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    Float32Codec f32 = new Float32Codec();
    EncodedFitClient a = (EncodedFitClient) registry.available().get(0);
    Parameters global = params(1f);
    FitIns ins = new FitIns(global, Config.of("round", 1));

    // NaN: refused with its one-line reason, the fit fails, nothing is handed on
    CompletableFuture<EncodedFitRes> bad = CompletableFuture.supplyAsync(() -> fitEncoded(a, ins));
    TaskSpec t1 = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    float[] nan = params(2f).values();
    nan[40] = Float.POSITIVE_INFINITY;
    FederationException refused = assertThrows(FederationException.class, () ->
        device.uploadResult(t1.taskId(), 3, Map.of(), "float32", LAYOUT, false,
            f32.encode(new Parameters(LAYOUT, nan))));
    assertEquals(FederationException.Code.INVALID_ARGUMENT, refused.code());
    assertEquals("update has a non-finite value (Infinity) at index 40, in tensor 'fc.bias'",
        refused.getMessage());
    assertTrue(cause(bad).getMessage().contains("rejected upload: update has a non-finite"),
        cause(bad).getMessage());

    // a good upload: its bytes are the result; the client's answer waits for the release
    CompletableFuture<EncodedFitRes> fit = CompletableFuture.supplyAsync(() -> fitEncoded(a, ins));
    TaskSpec t2 = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> device.uploadResult(
        t2.taskId(), 7, Map.of("loss", 0.5), "float32", LAYOUT, false, f32.encode(params(2f))));
    EncodedFitRes res = fit.get(10, TimeUnit.SECONDS);
    assertArrayEquals(params(2f).values(), res.values().decode());
    assertEquals(7, res.numExamples());
    assertEquals(0.5, res.metric("loss", 0));
    Thread.sleep(300);
    boolean answeredBeforeRelease = upload.isDone();
    res.values().release();

    upload.get(10, TimeUnit.SECONDS);
    assertFalse(answeredBeforeRelease, "the upload's bytes must be kept until released");
  }

  private static EncodedFitRes fitEncoded(EncodedFitClient c, FitIns ins) {
    try {
      return c.fitEncoded(ins);
    } catch (ClientException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void limitResultsInMemory_secondResultWaitsUntilTheFirstIsConsumed() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    registry.limitResultsInMemory(1);
    FederationClient a = device("dev-a");
    FederationClient b = device("dev-b");
    Float32Codec f32 = new Float32Codec();
    Parameters global = params(1f);
    CompletableFuture<FitRes> fitA = fitAsync(registry.available().get(0), global);
    CompletableFuture<FitRes> fitB = fitAsync(registry.available().get(1), global);
    TaskSpec ta = a.pullTask(Duration.ofSeconds(10)).orElseThrow();
    TaskSpec tb = b.pullTask(Duration.ofSeconds(10)).orElseThrow();

    a.uploadResult(ta.taskId(), 1, Map.of(), "float32", LAYOUT, false, f32.encode(params(2f)));
    CompletableFuture<Void> uploadB = CompletableFuture.runAsync(() -> b.uploadResult(
        tb.taskId(), 1, Map.of(), "float32", LAYOUT, false, f32.encode(params(3f))));
    assertEquals(params(2f), fitA.get(10, TimeUnit.SECONDS).parameters());
    Thread.sleep(300);
    boolean waited = !fitB.isDone() && !uploadB.isDone();
    registry.resultConsumed("c1");

    assertTrue(waited, "the second result must wait for a free place");
    uploadB.get(10, TimeUnit.SECONDS);
    assertEquals(params(3f), fitB.get(10, TimeUnit.SECONDS).parameters());
  }

  @Test
  void evaluate_taskIsReportedBack() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    ClientProxy proxy = registry.available().get(0);

    CompletableFuture<EvaluateRes> eval = CompletableFuture.supplyAsync(() -> {
      try {
        return proxy.evaluate(new EvaluateIns(params(1f), Config.empty()));
      } catch (ClientException e) {
        throw new RuntimeException(e);
      }
    });
    TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();
    device.reportEvaluation(task.taskId(), new EvaluateRes(0.5, 40, Map.of("accuracy", 0.75)));

    assertEquals(TaskSpec.Kind.EVALUATE, task.kind());
    assertEquals(new EvaluateRes(0.5, 40, Map.of("accuracy", 0.75)),
        eval.get(10, TimeUnit.SECONDS));
  }

  @Test
  void reportedFailure_isAFailureOfTheRoundAtOnce_andTheRoundCompletesWithTheOthers()
      throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient a = device("dev-a");
    FederationClient b = device("pi-garden");
    List<String> failed = new CopyOnWriteArrayList<>();
    RoundListener listener = new RoundListener() {
      @Override
      public void clientFailed(int round, ClientFailure f) {
        failed.add(round + " " + f.clientId() + ": " + f.reason());
      }
    };
    // a round deadline of ten minutes: the round can only end before it through the report
    CoordinatorSettings ten = new CoordinatorSettings(Duration.ofMinutes(10), 1, 2);
    try (Coordinator coordinator = new Coordinator(
        new FedAvg(StrategySettings.defaults().withSampling(1.0, 2)), ten, registry, null,
        listener)) {
      CompletableFuture<RoundResult> round = CompletableFuture.supplyAsync(() -> {
        try {
          return coordinator.runRound(1, params(1f));
        } catch (InterruptedException e) {
          throw new RuntimeException(e);
        }
      });
      TaskSpec ta = a.pullTask(Duration.ofSeconds(10)).orElseThrow();
      TaskSpec tb = b.pullTask(Duration.ofSeconds(10)).orElseThrow();

      a.uploadResult(ta.taskId(), 10, Map.of(), "float32", LAYOUT, false,
          new Float32Codec().encode(params(2f)));
      b.reportFailure(tb.taskId(), "CUDA out of memory (tried to allocate 2.0 GiB)");
      RoundResult r = round.get(30, TimeUnit.SECONDS);

      assertTrue(r.completed());
      assertEquals(List.of("c1"), r.participants());
      assertEquals(params(2f), r.global());
      String reason = "c2 (pi-garden): local training failed: CUDA out of memory (tried to"
          + " allocate 2.0 GiB)";
      assertEquals(List.of(new ClientFailure("c2", reason)), r.failures());
      assertEquals(List.of("1 c2: " + reason), failed);
      assertTrue(log.contains("client c2 (pi-garden): task " + tb.taskId() + " (round 1, fit)"
          + " failed on the device: CUDA out of memory (tried to allocate 2.0 GiB)"),
          log::toString);
    }
  }

  @Test
  void reportFailure_ofAnUnknownForeignOrEndedTask_isRefused_andChangesNothing()
      throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient a = device("dev-a");
    FederationClient b = device("dev-b");
    ClientProxy proxy = registry.available().get(0);
    Parameters global = params(1f);
    CompletableFuture<FitRes> fit = fitAsync(proxy, global);
    TaskSpec t = a.pullTask(Duration.ofSeconds(10)).orElseThrow();

    FederationException unknown = assertThrows(FederationException.class,
        () -> a.reportFailure("t-nope", "NaN loss"));
    FederationException foreign = assertThrows(FederationException.class,
        () -> b.reportFailure(t.taskId(), "NaN loss"));
    boolean untouched = !fit.isDone();
    a.uploadResult(t.taskId(), 4, Map.of(), "float32", LAYOUT, false,
        new Float32Codec().encode(params(3f)));
    FitRes res = fit.get(10, TimeUnit.SECONDS);
    FederationException done = assertThrows(FederationException.class,
        () -> a.reportFailure(t.taskId(), "NaN loss"));

    assertEquals(FederationException.Code.NOT_FOUND, unknown.code());
    assertEquals("unknown task 't-nope'", unknown.getMessage());
    assertEquals(FederationException.Code.PERMISSION_DENIED, foreign.code());
    assertEquals("task " + t.taskId() + " belongs to another client", foreign.getMessage());
    assertTrue(untouched, "a refused report must leave the task open");
    assertEquals(params(3f), res.parameters());
    assertEquals(FederationException.Code.FAILED_PRECONDITION, done.code());
    assertEquals("task " + t.taskId() + " already has a result: it cannot fail any more",
        done.getMessage());
  }

  @Test
  void reportFailure_blankReason_isNoReasonGiven_andATaskFailsOnlyOnce() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient a = device("dev-a");
    CompletableFuture<FitRes> fit = fitAsync(registry.available().get(0), params(1f));
    TaskSpec t = a.pullTask(Duration.ofSeconds(10)).orElseThrow();

    a.reportFailure(t.taskId(), " \n ");
    Throwable failure = cause(fit);
    FederationException twice = assertThrows(FederationException.class,
        () -> a.reportFailure(t.taskId(), "again"));
    FederationException upload = assertThrows(FederationException.class,
        () -> a.uploadResult(t.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            new Float32Codec().encode(params(1f))));

    assertEquals("c1 (dev-a): local training failed: no reason given", failure.getMessage());
    assertEquals(FederationException.Code.FAILED_PRECONDITION, twice.code());
    assertEquals("task " + t.taskId() + " is closed: local training failed: no reason given",
        twice.getMessage());
    assertEquals(FederationException.Code.FAILED_PRECONDITION, upload.code());
  }

  @Test
  void reportFailure_ofAnEvaluateTask_failsTheEvaluation() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    ClientProxy proxy = registry.available().get(0);
    CompletableFuture<EvaluateRes> eval = CompletableFuture.supplyAsync(() -> {
      try {
        return proxy.evaluate(new EvaluateIns(params(1f), Config.empty()));
      } catch (ClientException e) {
        throw new RuntimeException(e);
      }
    });
    TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();

    device.reportFailure(task.taskId(), "test file t10k-images-idx3-ubyte: bad magic 0x00000000");

    assertEquals("c1 (dev-a): local evaluation failed: test file t10k-images-idx3-ubyte: bad"
        + " magic 0x00000000", cause(eval).getMessage());
  }

  @Test
  void silentDevice_isDisconnected_itsFitFails_andItComesBackByCalling() throws Exception {
    start(new ClientRegistry.Settings(null, Duration.ofMillis(100), Duration.ofMillis(500)),
        "float32");
    FederationClient device = device("dev-a");
    ClientProxy proxy = registry.available().get(0);
    CompletableFuture<FitRes> fit = fitAsync(proxy, params(1f));

    Throwable failure = cause(fit);

    assertTrue(failure.getMessage().startsWith("c1: disconnected: no heartbeat for 0.5 s"),
        failure.getMessage());
    assertTrue(registry.available().isEmpty());
    device.heartbeat(new Telemetry(40, 1000, 0.1, 1));
    assertEquals(List.of("c1"), registry.available().stream().map(ClientProxy::id).toList());
    assertEquals(1, state.events(EventRecord.DISCONNECTED).size());
  }

  @Test
  void restartedDevice_registersAgainWithItsPreviousCredential_keepsId_oldTaskFailsAtOnce()
      throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient first = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(first);
    Registration before = first.register("", "dev-a", FACTS);
    CompletableFuture<FitRes> fit = fitAsync(registry.available().get(0), params(1f));
    first.pullTask(Duration.ofSeconds(10)).orElseThrow();

    FederationClient second = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(second);
    Registration again = second.register("", "dev-a", FACTS, before.credential());

    assertEquals("c1", again.clientId());
    assertTrue(cause(fit).getMessage().contains("registered again (the device restarted)"));
    FederationException old = assertThrows(FederationException.class,
        () -> first.heartbeat(new Telemetry(Double.NaN, -1, Double.NaN, 0)));
    assertEquals(FederationException.Code.UNAUTHENTICATED, old.code());
    assertTrue(log.stream().noneMatch(l -> l.contains("took over")), log::toString);
  }

  @Test
  void nameOfAConnectedDevice_withoutItsCredential_isRefused_andTheDeviceKeepsWorking()
      throws Exception {
    start(new ClientRegistry.Settings("s3cret", Duration.ofSeconds(2), Duration.ofSeconds(10)),
        "float32");
    FederationClient owner = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(owner);
    owner.register("s3cret", "pi-garden", FACTS);
    FederationClient intruder = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(intruder);

    FederationException none = assertThrows(FederationException.class,
        () -> intruder.register("s3cret", "pi-garden", FACTS));
    FederationException wrong = assertThrows(FederationException.class,
        () -> intruder.register("s3cret", "pi-garden", FACTS, "a-guessed-credential"));

    assertEquals(FederationException.Code.ALREADY_EXISTS, none.code());
    assertTrue(none.getMessage().matches("device 'pi-garden' \\(c1\\) is connected, last heard"
        + " from [0-9.]+ s ago: stop that client or choose another --name \\(the name is free"
        + " again once c1 has been silent for 10 s\\)"), none.getMessage());
    assertEquals(FederationException.Code.ALREADY_EXISTS, wrong.code());
    owner.heartbeat(new Telemetry(40, 1000, 0.1, 1));
    assertEquals(List.of("c1"), registry.available().stream().map(ClientProxy::id).toList());
    assertEquals(1, state.events(EventRecord.REGISTERED).size());
    List<EventRecord> rejected = state.events(EventRecord.REJECTED);
    assertEquals(2, rejected.size());
    assertTrue(rejected.get(0).message().startsWith("Register refused (ALREADY_EXISTS): device"
        + " 'pi-garden' (c1) is connected"), rejected.get(0).message());
    assertEquals(1, state.devices().size());
  }

  @Test
  void nameOfAnOfflineDevice_isTakenOver_andTheTakeoverIsLogged() throws Exception {
    start(new ClientRegistry.Settings("s3cret", Duration.ofMillis(100), Duration.ofMillis(500)),
        "float32");
    FederationClient old = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(old);
    old.register("s3cret", "pi-garden", FACTS);
    while (!registry.available().isEmpty()) {
      Thread.sleep(50); // no heartbeats: the registry counts it as gone after 0.5 s
    }
    FederationClient reinstalled = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(reinstalled);

    Registration reg = reinstalled.register("s3cret", "pi-garden", FACTS);

    assertEquals("c1", reg.clientId());
    assertEquals(List.of("c1"), registry.available().stream().map(ClientProxy::id).toList());
    List<EventRecord> registered = state.events(EventRecord.REGISTERED);
    assertEquals(2, registered.size());
    assertTrue(registered.get(1).message().matches("c1 registered again: pi-garden \\(.*\\) from"
        + " .*; took over the name of offline device c1 \\('pi-garden', last heard from [0-9.]+"
        + " s ago\\)"), registered.get(1).message());
    assertTrue(log.stream().anyMatch(l -> l.contains("took over the name of offline device c1")),
        log::toString);
    FederationException stale = assertThrows(FederationException.class,
        () -> old.pullTask(Duration.ZERO));
    assertEquals(FederationException.Code.UNAUTHENTICATED, stale.code());
  }

  @Test
  void afterAServerRestart_aSavedDeviceKeepsItsName_forAHeartbeatTimeout_thenItCanBeTakenOver()
      throws Exception {
    ClientRegistry.Settings quick =
        new ClientRegistry.Settings(null, Duration.ofMillis(100), Duration.ofMillis(800));
    start(quick, "float32");
    FederationClient oldA = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(oldA);
    Registration a = oldA.register("", "dev-a", FACTS);
    device("dev-b");
    server.close();
    registry.close();
    start(quick, "float32");
    FederationClient restartedA = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(restartedA);
    FederationClient newB = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(newB);

    Registration backA = restartedA.register("", "dev-a", FACTS, a.credential());
    FederationException early =
        assertThrows(FederationException.class, () -> newB.register("", "dev-b", FACTS));
    assertEquals(FederationException.Code.ALREADY_EXISTS, early.code());
    assertTrue(early.getMessage().contains("device 'dev-b' (c2) was registered before the server"
        + " restarted"), early.getMessage());
    Thread.sleep(900); // the saved dev-b has now had a heartbeat timeout to call back
    Registration takenB = newB.register("", "dev-b", FACTS);

    assertEquals("c1", backA.clientId());
    assertEquals("c2", takenB.clientId());
    List<String> registered = state.events(EventRecord.REGISTERED).stream()
        .map(EventRecord::message).toList();
    assertFalse(registered.get(registered.size() - 2).contains("took over"), registered::toString);
    assertTrue(registered.get(registered.size() - 1).endsWith("took over the name of offline"
        + " device c2 ('dev-b', not heard from since the server started)"), registered::toString);
  }

  @Test
  void interruptedFit_expiresTask_lateUploadIsRefused() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    ClientProxy proxy = registry.available().get(0);
    Parameters global = params(1f);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread coordinatorThread = new Thread(() -> {
      try {
        proxy.fit(new FitIns(global, Config.empty()));
        thrown.complete(null);
      } catch (ClientException e) {
        thrown.complete(e);
      }
    });
    coordinatorThread.start();
    TaskSpec task = device.pullTask(Duration.ofSeconds(10)).orElseThrow();

    coordinatorThread.interrupt();

    assertEquals("c1: cancelled at the round deadline",
        thrown.get(10, TimeUnit.SECONDS).getMessage());
    FederationException late = assertThrows(FederationException.class, () ->
        device.uploadResult(task.taskId(), 1, Map.of(), "float32", LAYOUT, false,
            new Float32Codec().encode(global)));
    assertEquals(FederationException.Code.FAILED_PRECONDITION, late.code());
    assertTrue(late.getMessage().contains("expired: the round ended before its result"),
        late.getMessage());
  }

  @Test
  void enrollmentToken_isRequired_andWithoutTokenOnlyLoopbackIsAccepted() throws Exception {
    start(new ClientRegistry.Settings("s3cret", Duration.ofSeconds(2), Duration.ofSeconds(10)),
        "float32");
    FederationClient c = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(c);

    FederationException none = assertThrows(FederationException.class,
        () -> c.register("", "dev", FACTS));
    FederationException wrong = assertThrows(FederationException.class,
        () -> c.register("guess", "dev", FACTS));
    Registration ok = c.register("s3cret", "dev", FACTS);
    ClientRegistry open = new ClientRegistry(ClientRegistry.Settings.defaults(), null, null);
    closeLater.add(open);
    FederationException remote = assertThrows(FederationException.class,
        () -> open.register("", "dev", FACTS, new InetSocketAddress("10.1.2.3", 5000)));

    assertEquals(FederationException.Code.UNAUTHENTICATED, none.code());
    assertEquals("this server needs an enrollment token: start the client with --enroll-token",
        none.getMessage());
    assertEquals("wrong enrollment token", wrong.getMessage());
    assertEquals("c1", ok.clientId());
    assertEquals(FederationException.Code.PERMISSION_DENIED, remote.code());
    assertTrue(remote.getMessage().startsWith("this server has no enrollment token and accepts"
        + " clients from loopback addresses only"), remote.getMessage());
  }

  @Test
  void revokedDevice_isRefused_andLeavesThePool() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");

    registry.revoke("c1");

    FederationException e = assertThrows(FederationException.class,
        () -> device.pullTask(Duration.ZERO));
    FederationException again = assertThrows(FederationException.class,
        () -> device.register("", "dev-a", FACTS));
    FederationClient reinstalled = FederationClient.connect("127.0.0.1:" + server.port(), null);
    closeLater.add(reinstalled);
    FederationException stranger = assertThrows(FederationException.class,
        () -> reinstalled.register("", "dev-a", FACTS, null));
    assertEquals(FederationException.Code.PERMISSION_DENIED, e.code());
    assertEquals("client c1 has been revoked", e.getMessage());
    assertEquals("device 'dev-a' (c1) has been revoked", again.getMessage());
    assertEquals(FederationException.Code.PERMISSION_DENIED, stranger.code());
    assertTrue(registry.available().isEmpty());
    assertTrue(state.devices().get(0).revoked());
  }

  @Test
  void credentials_surviveServerRestart_throughTheStateStore() throws Exception {
    start(ClientRegistry.Settings.defaults(), "float32");
    FederationClient device = device("dev-a");
    device.heartbeat(new Telemetry(55.0, 4096, 0.3, 1_700_000_000_000L));
    int port = server.port();
    server.close();
    registry.close();

    registry = new ClientRegistry(ClientRegistry.Settings.defaults(), state, log::add);
    closeLater.add(registry);
    assertFalse(registry.clients().get(0).connected());
    server = TransportServer.start(registry,
        new TransportServer.Options("127.0.0.1", port, null, null, 2));
    closeLater.add(server);
    device.heartbeat(new Telemetry(56.0, 4096, 0.3, 1_700_000_001_000L));

    assertEquals(List.of("c1"), registry.available().stream().map(ClientProxy::id).toList());
    assertEquals("dev-a", registry.clients().get(0).name());
    assertEquals(56.0, state.devices().get(0).telemetry().cpuTemperatureC());
  }

  @Test
  void layoutDifference_namesFirstDifference() {
    ParameterLayout a = ParameterLayout.of(new TensorSpec("x", new int[] {2}));
    ParameterLayout b = ParameterLayout.of(new TensorSpec("y", new int[] {2}));
    ParameterLayout c = ParameterLayout.of(new TensorSpec("x", new int[] {2}),
        new TensorSpec("z", new int[] {1}));

    assertEquals("tensor 0 is 'y', the model's is 'x'", UploadCheck.layoutDifference(a, b));
    assertEquals("extra tensor 'z'", UploadCheck.layoutDifference(a, c));
    assertEquals("tensor 'z' is missing", UploadCheck.layoutDifference(c, a));
    assertArrayEquals(new int[] {2}, a.tensors().get(0).shape());
  }
}

package dev.fedge.ml;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.ImageDataset;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One model on DJL's PyTorch engine, shared by every in-process client of a JVM: it holds the
 * model's parameters in native memory once, and each client's training or evaluation loads its
 * values in place, runs, and copies the result out. Calls are serialised (PyTorch allows one
 * gradient collector per JVM, and the CPU is shared anyway), so clients train one after another.
 *
 * <p>Memory stays flat however many rounds run: parameters, optimizer state and batch inputs live
 * in direct buffers allocated once, and every intermediate array of a step is freed when the step
 * ends.
 *
 * <pre>{@code
 * try (DjlRuntime rt = DjlRuntime.create("cnn", 1, 28, 28, 10, 42, 2)) {
 *   LocalTrainer client = rt.trainer(train, test, 0);
 *   FitRes res = client.fit(new FitIns(rt.initialParameters(), Config.of("lr", 0.05)));
 *   EvaluateRes eval = rt.evaluate(res.parameters(), test, 256);
 * }
 * }</pre>
 */
public final class DjlRuntime implements AutoCloseable {

  /** DJL's name of the PyTorch engine. */
  public static final String ENGINE = "PyTorch";

  private static final ReentrantLock COMPUTE = new ReentrantLock();

  private static boolean engineStarted;

  private final Network network;
  private final long seed;
  private final int threads;
  private final Engine engine;
  private final NDManager root;
  private final TensorSet model;
  private final float[] initial;
  private final Map<Integer, Batch> batches = new HashMap<>();
  private final Map<String, TensorSet> buffers = new HashMap<>();
  private final InputChecks checks;
  private final Inference inference;
  private boolean closed;

  private DjlRuntime(Network network, long seed, int threads) {
    this.network = network;
    this.seed = seed;
    this.threads = threads;
    this.engine = startEngine(threads);
    // the CPU: the model lives in Java-owned direct buffers (TrainingDevice says why)
    this.root = engine.newBaseManager(Device.cpu());
    this.model = new TensorSet(root, network.layout(), true);
    this.initial = network.initialize(seed);
    this.checks = new InputChecks(network);
    this.inference = new Inference(network, root, model, this::batch);
  }

  /**
   * Creates a runtime for a model from the registry.
   *
   * @param model {@code cnn} or {@code resnet18}
   * @param channels input channels
   * @param height input rows
   * @param width input columns
   * @param numClasses output classes
   * @param seed seed of the initial parameters and the default shuffling seed
   * @param threads PyTorch intra-op (and inter-op) threads; 0 keeps PyTorch's default (one per
   *     core)
   * @return the runtime; close it to free native memory
   * @throws IllegalArgumentException for an unknown model, a bad shape or negative threads
   */
  public static DjlRuntime create(
      String model, int channels, int height, int width, int numClasses, long seed, int threads) {
    return create(Models.create(model, channels, height, width, numClasses), seed, threads);
  }

  /**
   * Creates a runtime for a network.
   *
   * @see #create(String, int, int, int, int, long, int)
   */
  public static DjlRuntime create(Network network, long seed, int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads: must be >= 0, got " + threads);
    }
    return new DjlRuntime(network, seed, threads);
  }

  /**
   * Starts DJL's PyTorch engine once per JVM. The thread counts are read from system properties
   * when the engine starts; later, intra-op threads can still be changed.
   */
  private static synchronized Engine startEngine(int threads) {
    if (!engineStarted) {
      OpenMp.chooseWaiting(threads);
      if (threads > 0) {
        setIfAbsent("ai.djl.pytorch.num_threads", threads);
        setIfAbsent("ai.djl.pytorch.num_interop_threads", threads);
      }
    }
    Engine e = Engine.getEngine(ENGINE);
    engineStarted = true;
    if (threads > 0 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
    return e;
  }

  private static void setIfAbsent(String key, int value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(value));
    }
  }

  /** The model. */
  public Network network() {
    return network;
  }

  /** Names and shapes of the model's tensors, in a stable order. */
  public ParameterLayout layout() {
    return network.layout();
  }

  /** The seed of the initial parameters. */
  public long seed() {
    return seed;
  }

  /** PyTorch threads asked for (0: PyTorch's default). */
  public int threads() {
    return threads;
  }

  /**
   * CUDA GPUs DJL can see on this machine, without starting the engine (0 without CUDA, or when
   * the CUDA libraries cannot be loaded).
   *
   * @return the number of GPUs
   */
  public static int cudaGpuCount() {
    try {
      return ai.djl.util.cuda.CudaUtils.getGpuCount();
    } catch (LinkageError | RuntimeException e) {
      return 0;
    }
  }

  /**
   * How OpenMP's threads wait in this process, chosen when the engine started from the cores and the
   * load then, e.g. {@code "PASSIVE (2 threads, 2 cores, load 1.30: cores shared)"}; null before.
   */
  public static String openMpWaiting() {
    OpenMp.Choice c = OpenMp.chosen();
    return c == null ? null : c.policy() + " (" + c.reason() + ")";
  }

  /** PyTorch's intra-op threads now in effect. */
  public static int effectiveThreads() {
    return JniUtils.getNumThreads();
  }

  /** The seeded initial model: the same seed always gives the same values. */
  public Parameters initialParameters() {
    return new Parameters(layout(), initial.clone());
  }

  /**
   * A client's trainer on this runtime.
   *
   * @param train the client's training data
   * @param testOrNull the client's test data, or null
   * @param clientIndex the client's index, which seeds its shuffling with the run seed and round
   * @return the trainer
   */
  public LocalTrainer trainer(ImageDataset train, ImageDataset testOrNull, int clientIndex) {
    return new DjlLocalTrainer(this, train, testOrNull, clientIndex);
  }

  /**
   * Evaluates parameters on a data set without gradients.
   *
   * @param parameters the model
   * @param data images and labels
   * @param batchSize images per forward pass
   * @return mean cross-entropy loss, number of images and {@code accuracy}
   */
  public EvaluateRes evaluate(Parameters parameters, ImageDataset data, int batchSize) {
    checks.parameters(parameters, "evaluate");
    checks.data(data, "evaluate");
    InputChecks.batchSize(batchSize);
    if (data.size() == 0) {
      return new EvaluateRes(0, 0, Map.of(EvaluateRes.ACCURACY, 0.0));
    }
    return withoutGradients(() -> inference.evaluate(parameters.values(), data, batchSize));
  }

  /**
   * Class probabilities for every image of a data set, without gradients.
   *
   * @param parameters the model
   * @param data images (labels are ignored)
   * @param batchSize images per forward pass
   * @return {@code data.size()} rows of {@code numClasses} probabilities
   */
  public float[][] predict(Parameters parameters, ImageDataset data, int batchSize) {
    checks.parameters(parameters, "predict");
    checks.data(data, "predict");
    InputChecks.batchSize(batchSize);
    return predict(parameters, data.size(), batchSize, (b, from, n) -> b.fill(data, null, from, n));
  }

  /**
   * Class probabilities for normalised images given as floats, without gradients.
   *
   * @param parameters the model
   * @param inputs {@code n} images of {@code channels*height*width} normalised values, CHW order
   * @param n number of images
   * @return {@code n} rows of {@code numClasses} probabilities
   */
  public float[][] predict(Parameters parameters, float[] inputs, int n) {
    checks.parameters(parameters, "predict");
    checks.inputs(inputs, n);
    return predict(parameters, n, 64, (b, from, count) -> b.fill(inputs, from, count));
  }

  /**
   * Re-identification embeddings (the neck's output of {@link ReidNet#embed}) for every image of
   * a data set, without gradients: what retrieval and {@code ReidEvaluator} compare.
   *
   * @param parameters the model
   * @param data images (labels are ignored)
   * @param batchSize images per forward pass
   * @return {@code data.size()} rows of {@code embeddingDim} values
   * @throws IllegalArgumentException when the runtime's model is not a re-identification model
   */
  public float[][] embed(Parameters parameters, ImageDataset data, int batchSize) {
    ReidNet reid = reidNet("embed");
    checks.parameters(parameters, "embed");
    checks.shape(data, "embed");
    InputChecks.batchSize(batchSize);
    if (data.size() == 0) {
      return new float[0][];
    }
    return withoutGradients(() -> inference.embed(reid, parameters.values(), data.size(),
        batchSize, (b, from, n) -> b.fill(data, null, from, n)));
  }

  /**
   * Re-identification embeddings of normalised images given as floats, without gradients.
   *
   * @param parameters the model
   * @param inputs {@code n} images of {@code channels*height*width} normalised values, CHW order
   * @param n number of images
   * @return {@code n} rows of {@code embeddingDim} values
   * @throws IllegalArgumentException when the runtime's model is not a re-identification model
   */
  public float[][] embed(Parameters parameters, float[] inputs, int n) {
    ReidNet reid = reidNet("embed");
    checks.parameters(parameters, "embed");
    checks.inputs(inputs, n);
    if (n == 0) {
      return new float[0][];
    }
    return withoutGradients(() -> inference.embed(reid, parameters.values(), n, 64,
        (b, from, count) -> b.fill(inputs, from, count)));
  }

  /** Whether the runtime's model gives embeddings ({@link #embed}). */
  public boolean embeds() {
    return network instanceof ReidNet;
  }

  private ReidNet reidNet(String what) {
    if (network instanceof ReidNet r) {
      return r;
    }
    throw new IllegalArgumentException(what + ": model '" + network.name()
        + "' is a classifier without embeddings; embeddings need a re-identification model "
        + "(ReidNet, --task reid)");
  }

  private float[][] predict(Parameters parameters, int size, int batchSize, Inference.Filler filler) {
    if (size == 0) {
      return new float[0][];
    }
    return withoutGradients(() -> inference.predict(parameters.values(), size, batchSize, filler));
  }

  private <T> T withoutGradients(Supplier<T> work) {
    COMPUTE.lock();
    boolean gradMode = JniUtils.isGradMode();
    try {
      ensureOpen();
      JniUtils.setGradMode(false);
      return work.get();
    } finally {
      JniUtils.setGradMode(gradMode);
      COMPUTE.unlock();
    }
  }

  /**
   * What one call of {@link #train} produced.
   *
   * @param values the trained values
   * @param metrics the objective's fit metrics, in term order
   * @param steps the number of steps
   * @param timedSteps the steps that {@code images} and {@code seconds} measure: all but the
   *     first when there were two or more (the first carries the engine's warm-up and the task's
   *     set-up, which a device's speed per step should not include), else all
   * @param images the images of the timed steps
   * @param seconds the wall-clock seconds of the timed steps
   */
  record TrainResult(float[] values, Map<String, Double> metrics, int steps, int timedSteps,
      long images, double seconds) {}

  /**
   * Trains from the given values with SGD on a data set; the objective gives each step's loss.
   *
   * @param start initial values, also the round's global model (not modified)
   * @param data training images
   * @param s epochs, batch size, lr, momentum, weight decay
   * @param objective the run's objective (made for this run)
   * @param shuffleSeed seed of the epochs' shuffling
   * @return the trained values, the objective's metrics and the number of steps
   */
  TrainResult train(
      float[] start, ImageDataset data, TrainSettings s, LocalObjective objective, long shuffleSeed) {
    checks.data(data, "fit");
    int size = data.size();
    if (size == 0) {
      return new TrainResult(start.clone(), objective.metrics(0, start, start), 0, 0, 0, 0);
    }
    float lr = (float) s.lr();
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(shuffleSeed);
    int steps = 0;
    long images = 0;
    int maxSteps = s.maxSteps() > 0 ? s.maxSteps() : Integer.MAX_VALUE;
    COMPUTE.lock();
    long t0 = System.nanoTime();
    long t1 = t0;
    long firstImages = 0;
    try {
      ensureOpen();
      model.load(start);
      Batch batch = batch(Math.min(s.batchSize(), size));
      objective.begin(new ObjectiveTerm.Run(network, start, batch, this::buffer));
      SgdStep sgd = SgdStep.create(s, objective.closedForm(), start, this::buffer);
      NDArray[] params = model.arrays();
      try (GradientCollector collector = engine.newGradientCollector()) {
        for (int epoch = 0; epoch < s.epochs() && steps < maxSteps; epoch++) {
          shuffle(order, rnd);
          for (int from = 0; from < size && steps < maxSteps; from += batch.capacity()) {
            int n = Math.min(batch.capacity(), size - from);
            batch.fill(data, order, from, n);
            try (NDManager step = root.newSubManager()) {
              model.tempAttach(step);
              batch.tempAttach(step);
              sgd.tempAttach(step);
              NDArray logits = network.forward(params, batch.input());
              NDArray loss = objective.loss(new ObjectiveTerm.Step(step, batch, logits, params));
              // The gradients come out multiplied by lr, which saves a pass over them.
              collector.backward(loss.mul(lr));
              sgd.apply(params);
            }
            steps++;
            images += n;
            if (steps == 1) {
              t1 = System.nanoTime();
              firstImages = n;
            }
          }
        }
      }
      float[] trained = model.toFlat();
      long end = System.nanoTime();
      boolean warm = steps >= 2;
      return new TrainResult(trained, objective.metrics(steps, start, trained), steps,
          warm ? steps - 1 : steps, warm ? images - firstImages : images,
          ((warm ? end - t1 : end - t0)) / 1e9);
    } finally {
      COMPUTE.unlock();
    }
  }

  private static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private Batch batch(int capacity) {
    return batches.computeIfAbsent(
        capacity,
        c ->
            new Batch(
                root,
                c,
                network.channels(),
                network.height(),
                network.width(),
                network.numClasses()));
  }

  /** A parameter-shaped set of native arrays by name, allocated once and freed on close. */
  private TensorSet buffer(String name) {
    return buffers.computeIfAbsent(name, k -> new TensorSet(root, layout(), false));
  }

  /** The checks of inputs against this runtime's model. */
  InputChecks checks() {
    return checks;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("DjlRuntime for '" + network.name() + "' is closed");
    }
  }

  /** Frees the native memory; later calls fail. */
  @Override
  public void close() {
    COMPUTE.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Batch b : batches.values()) {
        b.close();
      }
      batches.clear();
      model.close();
      for (TensorSet t : buffers.values()) {
        t.close();
      }
      buffers.clear();
      root.close();
    } finally {
      COMPUTE.unlock();
    }
  }
}

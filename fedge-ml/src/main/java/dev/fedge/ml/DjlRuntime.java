package dev.fedge.ml;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
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
  private TensorSet global;
  private TensorSet momentum;
  private TensorSet anchor;
  private boolean closed;

  private DjlRuntime(Network network, long seed, int threads) {
    this.network = network;
    this.seed = seed;
    this.threads = threads;
    this.engine = startEngine(threads);
    this.root = engine.newBaseManager();
    this.model = new TensorSet(root, network.layout(), true);
    this.initial = network.initialize(seed);
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
      OpenMp.preferPassiveWaiting();
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
    checkParameters(parameters, "evaluate");
    checkData(data, "evaluate");
    checkBatchSize(batchSize);
    if (data.size() == 0) {
      return new EvaluateRes(0, 0, Map.of(EvaluateRes.ACCURACY, 0.0));
    }
    double lossSum = 0;
    long correct = 0;
    COMPUTE.lock();
    boolean gradMode = JniUtils.isGradMode();
    try {
      ensureOpen();
      JniUtils.setGradMode(false);
      model.load(parameters.values());
      Batch batch = batch(Math.min(batchSize, data.size()));
      for (int from = 0; from < data.size(); from += batch.capacity()) {
        int n = Math.min(batch.capacity(), data.size() - from);
        batch.fill(data, null, from, n);
        try (NDManager step = root.newSubManager()) {
          model.tempAttach(step);
          batch.tempAttach(step);
          NDArray logits = network.forward(model.arrays(), batch.input());
          lossSum -= logits.logSoftmax(1).gather(batch.labelArray(), 1).sum().getFloat();
          long[] predicted = logits.argMax(1).toLongArray();
          int[] labels = batch.labels();
          for (int k = 0; k < n; k++) {
            if (predicted[k] == labels[k]) {
              correct++;
            }
          }
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
      COMPUTE.unlock();
    }
    return new EvaluateRes(
        lossSum / data.size(),
        data.size(),
        Map.of(EvaluateRes.ACCURACY, correct / (double) data.size()));
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
    checkParameters(parameters, "predict");
    checkData(data, "predict");
    checkBatchSize(batchSize);
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
    checkParameters(parameters, "predict");
    int imageSize = network.channels() * network.height() * network.width();
    if (n < 0 || inputs == null || (long) n * imageSize != inputs.length) {
      throw new IllegalArgumentException(
          "predict: inputs must hold n * "
              + imageSize
              + " values ("
              + network.channels()
              + "x"
              + network.height()
              + "x"
              + network.width()
              + " per image), got "
              + (inputs == null ? "null" : inputs.length)
              + " values for n = "
              + n);
    }
    return predict(parameters, n, 64, (b, from, count) -> b.fill(inputs, from, count));
  }

  private interface Filler {
    void fill(Batch batch, int from, int n);
  }

  private float[][] predict(Parameters parameters, int size, int batchSize, Filler filler) {
    float[][] out = new float[size][];
    if (size == 0) {
      return out;
    }
    COMPUTE.lock();
    boolean gradMode = JniUtils.isGradMode();
    try {
      ensureOpen();
      JniUtils.setGradMode(false);
      model.load(parameters.values());
      Batch batch = batch(Math.min(batchSize, size));
      int classes = network.numClasses();
      for (int from = 0; from < size; from += batch.capacity()) {
        int n = Math.min(batch.capacity(), size - from);
        filler.fill(batch, from, n);
        try (NDManager step = root.newSubManager()) {
          model.tempAttach(step);
          batch.tempAttach(step);
          float[] p = network.forward(model.arrays(), batch.input()).softmax(1).toFloatArray();
          for (int k = 0; k < n; k++) {
            out[from + k] = java.util.Arrays.copyOfRange(p, k * classes, (k + 1) * classes);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
      COMPUTE.unlock();
    }
    return out;
  }

  /** What one call of {@link #train} produced. */
  record TrainResult(float[] values, double meanLoss, double meanNtd, int steps) {}

  /**
   * Trains from the given values with SGD on a data set.
   *
   * @param start initial values (not modified)
   * @param data training images
   * @param s settings
   * @param shuffleSeed seed of the epochs' shuffling
   * @return the trained values, mean cross-entropy and mean not-true divergence of the steps, and
   *     the number of steps
   */
  TrainResult train(float[] start, ImageDataset data, TrainSettings s, long shuffleSeed) {
    checkData(data, "fit");
    int size = data.size();
    if (size == 0) {
      return new TrainResult(start.clone(), 0, 0, 0);
    }
    boolean ntd = s.objective() == Objective.FEDNTD;
    boolean prox = s.objective() == Objective.FEDPROX && s.proximalMu() > 0;
    float lr = (float) s.lr();
    float mom = (float) s.momentum();
    // Weight decay and FedProx's mu * w both shrink w; applied in place, scaled by lr.
    float decay = (float) (s.lr() * (s.weightDecay() + (prox ? s.proximalMu() : 0)));
    float ntdScale = (float) (s.ntdBeta() * s.ntdTau() * s.ntdTau());
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(shuffleSeed);
    double lossSum = 0;
    double ntdSum = 0;
    int steps = 0;
    COMPUTE.lock();
    try {
      ensureOpen();
      model.load(start);
      if (ntd) {
        globalSet().load(start);
      }
      if (prox) {
        // The proximal gradient mu*(w - w_g) is applied in the update, as decay mu*w and the
        // constant -mu*w_g (kept here times lr), instead of through autograd: same objective.
        anchorSet().loadScaled(start, (float) (s.lr() * s.proximalMu()));
      }
      if (mom > 0) {
        momentumSet().zero();
      }
      Batch batch = batch(Math.min(s.batchSize(), size));
      if (ntd) {
        batch.notTrueArray();
      }
      NDArray[] params = model.arrays();
      NDArray[] velocity = mom > 0 ? momentum.arrays() : null;
      NDArray[] anchors = prox ? anchor.arrays() : null;
      try (GradientCollector collector = engine.newGradientCollector()) {
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
          shuffle(order, rnd);
          for (int from = 0; from < size; from += batch.capacity()) {
            int n = Math.min(batch.capacity(), size - from);
            batch.fill(data, order, from, n);
            try (NDManager step = root.newSubManager()) {
              model.tempAttach(step);
              batch.tempAttach(step);
              // Scalars made by in-place updates (v.muli(mom)) go to the step's manager too.
              if (velocity != null) {
                momentum.tempAttach(step);
              }
              if (prox) {
                anchor.tempAttach(step);
              }
              NDArray logits = network.forward(params, batch.input());
              NDArray loss = logits.logSoftmax(1).gather(batch.labelArray(), 1).mean().neg();
              NDArray objective = loss;
              if (ntd) {
                global.tempAttach(step);
                NDArray teacher = network.forward(global.arrays(), batch.input());
                NDArray kl =
                    NotTrueDistillation.divergence(
                        logits, teacher, batch.notTrueIndex(), s.ntdTau());
                objective = loss.add(kl.mul(ntdScale));
                ntdSum += kl.getFloat();
              }
              // The gradients come out multiplied by lr, which saves a pass over them.
              collector.backward(objective.mul(lr));
              lossSum += loss.getFloat();
              JniUtils.setGradMode(false);
              try {
                for (int i = 0; i < params.length; i++) {
                  update(
                      params[i],
                      velocity == null ? null : velocity[i],
                      prox ? anchors[i] : null,
                      mom,
                      decay);
                }
              } finally {
                JniUtils.setGradMode(true);
              }
            }
            steps++;
          }
        }
      }
      return new TrainResult(model.toFlat(), lossSum / steps, ntdSum / steps, steps);
    } finally {
      COMPUTE.unlock();
    }
  }

  /**
   * One SGD step in place, with the gradient already multiplied by lr ({@code g = lr * grad}):
   * without momentum {@code w = w * (1 - decay) - g + anchor}; with momentum {@code v = mom * v + g
   * + decay * w - anchor; w = w - v} (PyTorch's SGD for a constant lr, dampening 0). {@code decay}
   * is {@code lr * (weight_decay + mu)} and {@code anchor} is {@code lr * mu * w_global} (FedProx)
   * or null. Then w's gradient is zeroed for the next step.
   */
  static void update(NDArray w, NDArray v, NDArray anchor, float mom, float decay) {
    NDArray g = w.getGradient();
    if (v == null) {
      if (decay != 0) {
        w.muli(1 - decay);
      }
      w.subi(g);
      if (anchor != null) {
        w.addi(anchor);
      }
    } else {
      v.muli(mom).addi(g);
      if (decay != 0) {
        v.addi(w.mul(decay));
      }
      if (anchor != null) {
        v.subi(anchor);
      }
      w.subi(v);
    }
    JniUtils.zeroGrad((PtNDArray) w);
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

  private TensorSet globalSet() {
    if (global == null) {
      global = new TensorSet(root, layout(), false);
    }
    return global;
  }

  private TensorSet anchorSet() {
    if (anchor == null) {
      anchor = new TensorSet(root, layout(), false);
    }
    return anchor;
  }

  private TensorSet momentumSet() {
    if (momentum == null) {
      momentum = new TensorSet(root, layout(), false);
    }
    return momentum;
  }

  void checkParameters(Parameters parameters, String what) {
    if (parameters == null) {
      throw new IllegalArgumentException(what + ": parameters must not be null");
    }
    if (!parameters.layout().equals(layout())) {
      throw new IllegalArgumentException(
          what
              + ": parameters have "
              + parameters.layout().count()
              + " tensors / "
              + parameters.size()
              + " values, but model '"
              + network.name()
              + "' has "
              + layout().count()
              + " tensors / "
              + layout().totalSize()
              + " values (first tensor "
              + layout().tensors().get(0)
              + ")");
    }
  }

  void checkData(ImageDataset data, String what) {
    if (data == null) {
      throw new IllegalArgumentException(what + ": data set must not be null");
    }
    if (data.channels() != network.channels()
        || data.height() != network.height()
        || data.width() != network.width()) {
      throw new IllegalArgumentException(
          what
              + ": data set "
              + data
              + " has images of "
              + data.channels()
              + "x"
              + data.height()
              + "x"
              + data.width()
              + ", model '"
              + network.name()
              + "' expects "
              + network.channels()
              + "x"
              + network.height()
              + "x"
              + network.width());
    }
    if (data.numClasses() > network.numClasses()) {
      throw new IllegalArgumentException(
          what
              + ": data set "
              + data
              + " has "
              + data.numClasses()
              + " classes, model '"
              + network.name()
              + "' has "
              + network.numClasses());
    }
  }

  private static void checkBatchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
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
      for (TensorSet t : new TensorSet[] {global, momentum, anchor}) {
        if (t != null) {
          t.close();
        }
      }
      root.close();
    } finally {
      COMPUTE.unlock();
    }
  }
}

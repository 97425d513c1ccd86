package dev.fedge.client;

import dev.fedge.api.Config;
import dev.fedge.api.ConfigKeys;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlLocalTrainer;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.Models;
import dev.fedge.ml.ReidNet;
import dev.fedge.ml.Network;
import dev.fedge.ml.ReidEvaluation;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL trainers on the device's data. The model is found from the task's layout: the known model
 * ({@link Models#CANDIDATES}) for the data's input shape and classes whose layout matches; a
 * HeteroFL task's width ({@link ConfigKeys#WIDTH}) adds {@code cnn-x<width>} and {@code
 * resnet18-x<width>} at that width. One runtime is kept and made again only when the model
 * changes.
 */
public final class DjlTrainers implements TrainerFactory {

  private final LocalData data;
  private final long seed;
  private final int threads;
  private ParameterLayout layout;
  private DjlRuntime runtime;
  private LocalTrainer trainer;
  private String model;

  /**
   * Trainers on this data.
   *
   * @param data the device's data
   * @param seed default shuffling seed (the server's run seed wins when the task has one)
   * @param threads PyTorch threads (0: one per core)
   */
  public DjlTrainers(LocalData data, long seed, int threads) {
    this.data = data;
    this.seed = seed;
    this.threads = threads;
  }

  @Override
  public synchronized LocalTrainer trainerFor(ParameterLayout wanted) {
    return trainerFor(wanted, Config.empty());
  }

  @Override
  public synchronized LocalTrainer trainerFor(ParameterLayout wanted, Config config) {
    if (trainer != null && wanted.equals(layout)) {
      return trainer;
    }
    if (wanted.indexOf("neck.weight") >= 0) {
      return reidTrainer(wanted);
    }
    List<String> candidates = new ArrayList<>();
    double width = config.getDouble(ConfigKeys.WIDTH, 1.0);
    if (width > 0 && width < 1) {
      for (String base : Models.HETEROFL) {
        candidates.add(Models.widthName(base, width));
      }
    }
    candidates.addAll(Models.CANDIDATES);
    for (String name : candidates) {
      Network net;
      try {
        net = Models.create(name, data.train().channels(), data.train().height(),
            data.train().width(), data.train().numClasses());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (net.layout().equals(wanted)) {
        return use(net, name, data.train(), data.test());
      }
    }
    throw new IllegalArgumentException("the server's model (" + wanted.count() + " tensors, "
        + wanted.totalSize() + " values) is none of " + candidates + " for this device's "
        + data.train().channels() + "x" + data.train().height() + "x" + data.train().width()
        + " images with " + data.train().numClasses() + " classes");
  }

  /**
   * A re-identification run's trainer ({@link ReidNet}: a backbone, embed, neck and a head with a
   * row per training identity). On the Fashion-MNIST proxy the training identities are the first
   * classes (0-6), so the device trains on its images of those. Evaluate tasks are answered by
   * retrieval (rank-1/5/10 and mAP, the valid queries as examples) on the device's own query and
   * gallery ({@link LocalData#retrievalFor}: its share of a real layout's, or the proxy's from its
   * test images); without them the device reports no examples.
   */
  private LocalTrainer reidTrainer(ParameterLayout wanted) {
    int head = wanted.indexOf("head.weight");
    int[] shape = head < 0 ? new int[0] : wanted.tensors().get(head).shape();
    if (shape.length != 2 || shape[0] > data.train().numClasses()) {
      throw new IllegalArgumentException("the server's re-identification model has a head of "
          + java.util.Arrays.toString(shape) + "; this device's data has "
          + data.train().numClasses() + " classes");
    }
    for (String backbone : Models.NAMES) {
      ReidNet net;
      try {
        net = new ReidNet(backbone, data.train().channels(), data.train().height(),
            data.train().width(), shape[0], shape[1]);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (net.layout().equals(wanted)) {
        close();
        runtime = DjlRuntime.create(net, seed, threads);
        ReidEvaluation retrieval = data.retrievalFor(seed)
            .map(r -> new ReidEvaluation(runtime, r.query(), r.gallery())).orElse(null);
        trainer = DjlLocalTrainer.reid(runtime, data.train().firstClasses(shape[0]), retrieval,
            data.clientIndex());
        layout = net.layout();
        model = net.name();
        return trainer;
      }
    }
    throw new IllegalArgumentException("the server's re-identification model (" + wanted.count()
        + " tensors, " + wanted.totalSize() + " values) has none of " + Models.NAMES
        + " as its backbone for this device's " + data.train().channels() + "x"
        + data.train().height() + "x" + data.train().width() + " images");
  }

  /** Makes the runtime and trainer of a model found for the server's layout, closing the old. */
  private LocalTrainer use(Network net, String name, ImageDataset train, ImageDataset test) {
    close();
    runtime = DjlRuntime.create(net, seed, threads);
    trainer = runtime.trainer(train, test, data.clientIndex());
    layout = net.layout();
    model = name;
    return trainer;
  }

  /** The name of the model in use, or null before the first task. */
  public synchronized String model() {
    return model;
  }

  @Override
  public synchronized void close() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
      trainer = null;
      layout = null;
    }
  }
}

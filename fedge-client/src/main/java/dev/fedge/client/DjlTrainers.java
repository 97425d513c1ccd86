package dev.fedge.client;

import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.ml.DjlRuntime;
import dev.fedge.ml.Models;
import dev.fedge.ml.Network;

/**
 * DJL trainers on the device's data. The model is found from the task's layout: the known model
 * ({@link Models#NAMES}) for the data's input shape and classes whose layout matches. One runtime
 * is kept and made again only when the model changes.
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
    if (trainer != null && wanted.equals(layout)) {
      return trainer;
    }
    for (String name : Models.CANDIDATES) {
      Network net;
      try {
        net = Models.create(name, data.train().channels(), data.train().height(),
            data.train().width(), data.train().numClasses());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (net.layout().equals(wanted)) {
        close();
        runtime = DjlRuntime.create(net, seed, threads);
        trainer = runtime.trainer(data.train(), data.test(), data.clientIndex());
        layout = wanted;
        model = name;
        return trainer;
      }
    }
    throw new IllegalArgumentException("the server's model (" + wanted.count() + " tensors, "
        + wanted.totalSize() + " values) is none of " + Models.CANDIDATES + " for this device's "
        + data.train().channels() + "x" + data.train().height() + "x" + data.train().width()
        + " images with " + data.train().numClasses() + " classes");
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

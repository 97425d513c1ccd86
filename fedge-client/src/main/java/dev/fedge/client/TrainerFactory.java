package dev.fedge.client;

import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;

/** Gives the trainer for a task's model, so the agent needs to know nothing about models. */
@FunctionalInterface
public interface TrainerFactory extends AutoCloseable {

  /**
   * The trainer whose model has this layout.
   *
   * @param layout the layout of the task's model
   * @return a trainer on the device's data
   * @throws IllegalArgumentException when no known model has this layout
   */
  LocalTrainer trainerFor(ParameterLayout layout);

  /**
   * The trainer for a task: its model's layout and its config, which names a HeteroFL task's
   * width ({@link dev.fedge.api.ConfigKeys#WIDTH}); by default the layout alone decides.
   *
   * @param layout the layout of the task's model
   * @param config the task's config
   * @return a trainer on the device's data
   * @throws IllegalArgumentException when no known model has this layout
   */
  default LocalTrainer trainerFor(ParameterLayout layout, dev.fedge.api.Config config) {
    return trainerFor(layout);
  }

  /** Frees what the trainers hold; nothing by default. */
  @Override
  default void close() {}
}

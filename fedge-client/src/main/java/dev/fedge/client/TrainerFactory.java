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

  /** Frees what the trainers hold; nothing by default. */
  @Override
  default void close() {}
}

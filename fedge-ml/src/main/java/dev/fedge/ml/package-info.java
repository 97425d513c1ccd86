/**
 * Local training with DJL (PyTorch engine): the models ({@link dev.fedge.ml.Models}), one {@link
 * dev.fedge.ml.DjlRuntime} per JVM that holds a model's parameters in native memory, and {@link
 * dev.fedge.ml.DjlLocalTrainer}, the {@link dev.fedge.api.LocalTrainer} with the cross-entropy,
 * FedProx and FedNTD objectives.
 *
 * <p>This is the only package of fedge that imports {@code ai.djl}.
 */
package dev.fedge.ml;

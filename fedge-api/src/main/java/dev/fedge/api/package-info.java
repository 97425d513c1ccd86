/**
 * The vocabulary of fedge: value records ({@link dev.fedge.api.Parameters}, {@link
 * dev.fedge.api.FitIns}, {@link dev.fedge.api.FitRes}, ...) and the small interfaces the rest of
 * the system is built from ({@link dev.fedge.api.Strategy}, {@link dev.fedge.api.ClientProxy},
 * {@link dev.fedge.api.LocalTrainer}, {@link dev.fedge.api.ParameterCodec}).
 *
 * <p>This package depends on the JDK only.
 */
package dev.fedge.api;

/**
 * Wire codecs for model parameters ({@link dev.fedge.api.ParameterCodec} implementations):
 * {@link dev.fedge.strategy.codec.Float32Codec}, {@link dev.fedge.strategy.codec.Float16Codec}
 * (IEEE 754 half precision) and {@link dev.fedge.strategy.codec.Int8Codec} (symmetric, one scale
 * per tensor), found by name through {@link dev.fedge.strategy.codec.Codecs#byName}.
 *
 * <p>Every codec writes little-endian values in layout order; only values are encoded, the layout
 * travels separately.
 */
package dev.fedge.strategy.codec;

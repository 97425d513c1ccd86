package dev.fedge.ml;

import dev.fedge.api.ParameterLayout;
import dev.fedge.api.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Collects a model's tensors with their initialisers while the model is defined. */
final class LayoutBuilder {

  private record Entry(TensorSpec spec, Init init, int fanIn, int fanOut) {}

  private final List<Entry> entries = new ArrayList<>();

  /**
   * Adds a tensor.
   *
   * @return its index in the layout
   */
  int add(String name, int[] shape, Init init, int fanIn, int fanOut) {
    entries.add(new Entry(new TensorSpec(name, shape), init, fanIn, fanOut));
    return entries.size() - 1;
  }

  /** Adds a convolution weight {@code [out, in, k, k]} and returns its index. */
  int convWeight(String name, int out, int in, int k, Init init) {
    return add(name, new int[] {out, in, k, k}, init, in * k * k, out * k * k);
  }

  /** Adds a convolution or dense bias of {@code out} values for a layer with this fan-in. */
  int bias(String name, int out, int fanIn) {
    return add(name, new int[] {out}, Init.UNIFORM_FAN_IN, fanIn, out);
  }

  /** Adds a dense weight {@code [out, in]} (PyTorch's order) and returns its index. */
  int denseWeight(String name, int out, int in) {
    return add(name, new int[] {out, in}, Init.UNIFORM_FAN_IN, in, out);
  }

  /** The layout of the tensors added so far. */
  ParameterLayout layout() {
    return new ParameterLayout(entries.stream().map(Entry::spec).toList());
  }

  /**
   * Initial values for every tensor, in order, drawn from one generator seeded with {@code seed}.
   */
  float[] initialize(long seed) {
    ParameterLayout layout = layout();
    float[] values = new float[layout.totalSize()];
    SplittableRandom rnd = new SplittableRandom(seed);
    int off = 0;
    for (Entry e : entries) {
      int n = e.spec().size();
      e.init().fill(values, off, n, e.fanIn(), e.fanOut(), rnd);
      off += n;
    }
    return values;
  }
}

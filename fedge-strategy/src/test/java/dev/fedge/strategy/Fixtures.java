package dev.fedge.strategy;

import dev.fedge.api.AggregateResult;
import dev.fedge.api.ClientException;
import dev.fedge.api.ClientInstruction;
import dev.fedge.api.ClientProxy;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitAggregation;
import dev.fedge.api.FitIns;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.Strategy;
import dev.fedge.api.TensorSpec;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small models, results and clients shared by the strategy tests. */
final class Fixtures {

  /** Two tensors: a 2x3 body and a 2-value head (8 values). */
  static final ParameterLayout LAYOUT =
      ParameterLayout.of(
          new TensorSpec("body.w", new int[] {2, 3}), new TensorSpec("head.b", new int[] {2}));

  /** One tensor of one value, for hand-computed scalar cases. */
  static final ParameterLayout SCALAR = ParameterLayout.of(new TensorSpec("w", new int[] {1}));

  private Fixtures() {}

  /** Parameters of {@link #LAYOUT} (8 values) or {@link #SCALAR} (1 value). */
  static Parameters params(float... values) {
    return new Parameters(values.length == 1 ? SCALAR : LAYOUT, values);
  }

  /** Every one of the layout's values set to v. */
  static Parameters filled(ParameterLayout layout, float v) {
    float[] a = new float[layout.totalSize()];
    Arrays.fill(a, v);
    return new Parameters(layout, a);
  }

  /** A result with a loss and a number of local steps. */
  static FitRes res(Parameters p, int n, double loss, double steps) {
    return new FitRes(p, n, Map.of(FitRes.LOSS, loss, FitRes.NUM_STEPS, steps));
  }

  /** A result with loss 1 and 10 local steps. */
  static FitRes res(Parameters p, int n) {
    return res(p, n, 1.0, 10);
  }

  /** One (clientId, result) entry. */
  static Map.Entry<String, FitRes> entry(String id, FitRes r) {
    return new AbstractMap.SimpleEntry<>(id, r);
  }

  /** A client double: the strategies never call it, only hand it back in instructions. */
  record FakeClient(String id, FitRes result) implements ClientProxy {
    @Override
    public FitRes fit(FitIns ins) throws ClientException {
      return result;
    }

    @Override
    public EvaluateRes evaluate(EvaluateIns ins) throws ClientException {
      return new EvaluateRes(0.5, 10, Map.of(EvaluateRes.ACCURACY, 0.9));
    }
  }

  /** Clients c0..c(n-1). */
  static List<ClientProxy> clients(int n) {
    List<ClientProxy> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new FakeClient("c" + i, res(filled(LAYOUT, i), 10)));
    }
    return out;
  }

  /** Ids of the instructed clients. */
  static List<String> ids(List<? extends ClientInstruction<?>> instructions) {
    List<String> out = new ArrayList<>();
    for (ClientInstruction<?> i : instructions) {
      out.add(i.client().id());
    }
    return out;
  }

  /** Streams results into a fresh aggregation of the strategy and finishes it. */
  static AggregateResult run(
      Strategy s, int round, Parameters global, List<Map.Entry<String, FitRes>> rs) {
    FitAggregation agg = s.startAggregation(round, global);
    for (Map.Entry<String, FitRes> r : rs) {
      agg.accept(r.getKey(), r.getValue());
    }
    return agg.finish(List.of());
  }

  /** The new model of a round that must produce one. */
  static float[] model(AggregateResult r) {
    return r.parameters().orElseThrow(() -> new AssertionError("no model: " + r)).values();
  }
}

package dev.fedge.server;

import dev.fedge.api.ClientProxy;
import dev.fedge.server.settings.Widths;
import dev.fedge.strategy.HeteroFl;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleToLongFunction;
import java.util.function.ToDoubleFunction;

/**
 * HeteroFL's width of each device of a server's run, by {@link Widths#of} as simulate assigns
 * them. A list ({@code 1,0.5,0.25}) is given in turn in the order the run first sees the devices,
 * and a device keeps its width. With {@code auto} a device's width is chosen again at each task
 * from its registered memory ({@link ClientProxy#facts}) and its measured speed against the
 * fastest device the run has seen: before its speed is measured (its first task) only memory
 * limits it. A speed measured on a submodel is scaled to the full model's by the submodel's share
 * of the parameters (its share of the computation, as the simulation's clock assumes), so that a
 * device does not swing between widths.
 */
final class DeviceWidths implements HeteroFl.WidthOf {

  private final Widths widths;
  private final DoubleToLongFunction parametersAt;
  private final ToDoubleFunction<ClientProxy> speedOf;
  private final Map<String, Double> inTurn = new LinkedHashMap<>();
  private final Map<String, ClientProxy> seen = new LinkedHashMap<>();
  private final Map<String, Double> last = new HashMap<>();

  /**
   * @param widths the run's widths setting
   * @param parametersAt the model's parameters at each width
   * @param speedOf a device's measured speed (images a second at the width it trained last), NaN
   *     when not measured
   */
  DeviceWidths(Widths widths, DoubleToLongFunction parametersAt,
      ToDoubleFunction<ClientProxy> speedOf) {
    this.widths = widths;
    this.parametersAt = parametersAt;
    this.speedOf = speedOf;
  }

  @Override
  public synchronized double width(ClientProxy client) {
    if (!widths.auto()) {
      Double w = inTurn.get(client.id());
      if (w == null) {
        w = widths.inTurn(inTurn.size());
        inTurn.put(client.id(), w);
      }
      return w;
    }
    seen.put(client.id(), client);
    double fastest = Double.NaN;
    for (ClientProxy c : seen.values()) {
      double s = fullSpeed(c);
      if (s > 0 && !(s <= fastest)) {
        fastest = s;
      }
    }
    double w = widths.of(0, client.facts().memoryBytes(), fullSpeed(client), fastest,
        parametersAt);
    last.put(client.id(), w);
    return w;
  }

  /** The device's speed on the full model, NaN when not measured. */
  private double fullSpeed(ClientProxy c) {
    double s = speedOf.applyAsDouble(c);
    double w = last.getOrDefault(c.id(), 1.0);
    if (!(s > 0) || w <= 0 || w >= 1) {
      return s;
    }
    return s * parametersAt.applyAsLong(w) / parametersAt.applyAsLong(1.0);
  }
}

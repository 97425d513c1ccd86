import dev.fedge.server.report.SvgPlot;
import java.nio.file.*;
double[][] load(String d) throws Exception {
  var lines = Files.readAllLines(Path.of("bench/async/" + d + "-timeline.csv"));
  double[] x = new double[lines.size() - 1], y = new double[lines.size() - 1];
  for (int i = 1; i < lines.size(); i++) { String[] f = lines.get(i).split(","); x[i-1] = Double.parseDouble(f[1]); y[i-1] = Double.parseDouble(f[2]); }
  return new double[][] {x, y};
}
var a = load("fedavg"); var b = load("fedbuff");
new SvgPlot("FedAvg vs FedBuff, 20 devices of speeds 1, 0.5, 0.1 (virtual clock)", "virtual seconds", "test accuracy").yRange(0, 1).add(new SvgPlot.Series("fedavg (5 clients a round)", a[0], a[1])).add(new SvgPlot.Series("fedbuff (buffer 5, concurrency 10)", b[0], b[1])).write(Path.of("docs/fedbuff-vs-fedavg-time.svg"));
/exit

// Draws docs/fedbuff-vs-fedavg-time.svg from bench/async; run from the repository root:
//   jshell --class-path "fedge-cli/target/fedge.jar:$(ls fedge-cli/target/lib/*.jar | tr '\n' ':')" bench/async/plot.jsh
import dev.fedge.server.report.SvgPlot;
import java.nio.file.*;
double[][] load(String run) throws Exception {
  var lines = Files.readAllLines(Path.of("bench/async/" + run + "-timeline.csv"));
  double[] x = new double[lines.size() - 1], y = new double[lines.size() - 1];
  for (int i = 1; i < lines.size(); i++) { String[] f = lines.get(i).split(","); x[i-1] = Double.parseDouble(f[1]); y[i-1] = Double.parseDouble(f[2]); }
  return new double[][] {x, y};
}
var plot = new SvgPlot("FedAvg vs FedBuff, 20 devices of speeds 1, 0.5, 0.1 (virtual clock)", "virtual seconds", "test accuracy").yRange(0, 1);
for (String run : new String[] {"fedavg-s1", "fedbuff-s1", "fedavg-s2", "fedbuff-s2"}) { var d = load(run); plot.add(new SvgPlot.Series(run.replace("-s", ", seed "), d[0], d[1])); }
plot.write(Path.of("docs/fedbuff-vs-fedavg-time.svg"));
/exit

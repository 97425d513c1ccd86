package dev.fedge.server.sim;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateIns;
import dev.fedge.api.FitIns;
import dev.fedge.api.LocalTrainer;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageDataset;
import dev.fedge.ml.DjlRuntime;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A training worker of a simulation ({@code fedge simulate --workers N}): a separate JVM with its own
 * DJL runtime (DJL allows one gradient collector per JVM), holding the trainers of the clients dealt
 * to it. It loads the data set itself, takes each client's partition indices from the simulation,
 * and answers fit and evaluate requests one at a time over a loopback socket ({@link WorkerWire}).
 * A client always trains on the same worker, so whatever its trainer keeps between rounds stays.
 *
 * <p>Started by {@link WorkerPool} as {@code java -cp <classpath> dev.fedge.server.sim.SimWorker
 * PORT TOKEN}; not a command for people.
 */
public final class SimWorker {

  private SimWorker() {}

  /**
   * Connects back to the simulation and serves it until it says quit or goes away.
   *
   * @param args port and token
   * @throws IOException when the connection fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("SimWorker: started by fedge simulate, not by hand (args: PORT TOKEN)");
      System.exit(2);
    }
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]))) {
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      WorkerWire.writeString(out, args[1]);
      out.flush();
      serve(in, out);
    }
    System.exit(0);
  }

  private static void serve(DataInputStream in, DataOutputStream out) throws IOException {
    String dataset = WorkerWire.readString(in);
    Path dataDir = Path.of(WorkerWire.readString(in));
    int trainLimit = in.readInt();
    int testLimit = in.readInt();
    int clientTestLimit = in.readInt();
    String model = WorkerWire.readString(in);
    long seed = in.readLong();
    int threads = in.readInt();
    int clients = in.readInt();
    int[] index = new int[clients];
    int[][] indices = new int[clients][];
    for (int c = 0; c < clients; c++) {
      index[c] = in.readInt();
      indices[c] = WorkerWire.readInts(in);
    }
    DjlRuntime runtime;
    Map<Integer, LocalTrainer> trainers = new HashMap<>();
    try {
      DataSplit split = Datasets.load(dataset, dataDir);
      ImageDataset train = trainLimit > 0 ? split.train().head(trainLimit) : split.train();
      ImageDataset test = testLimit > 0 ? split.test().head(testLimit) : split.test();
      ImageDataset clientTest = test.head(Math.max(1, clientTestLimit));
      runtime = DjlRuntime.create(model, train.channels(), train.height(), train.width(),
          train.numClasses(), seed, threads);
      for (int c = 0; c < clients; c++) {
        ImageDataset local = train.subset(train.name() + "/client-" + index[c], indices[c]);
        trainers.put(index[c], runtime.trainer(local, clientTest, index[c]));
      }
    } catch (IOException | RuntimeException e) {
      out.writeByte(WorkerWire.ERROR);
      WorkerWire.writeString(out, "worker setup failed: " + e.getMessage());
      out.flush();
      return;
    }
    ParameterLayout layout = runtime.layout();
    out.writeByte(WorkerWire.OK);
    out.writeInt(layout.totalSize());
    out.flush();
    try (runtime) {
      while (true) {
        byte request;
        try {
          request = in.readByte();
        } catch (EOFException e) {
          return;
        }
        if (request == WorkerWire.QUIT) {
          return;
        }
        int client = in.readInt();
        Config config = WorkerWire.readConfig(in);
        Parameters p = new Parameters(layout, WorkerWire.readFloats(in, layout.totalSize()));
        LocalTrainer trainer = trainers.get(client);
        try {
          if (trainer == null) {
            throw new IllegalArgumentException("client " + client + " is not on this worker");
          }
          if (request == WorkerWire.FIT) {
            var res = trainer.fit(new FitIns(p, config));
            out.writeByte(WorkerWire.OK);
            WorkerWire.writeFitRes(out, res);
          } else if (request == WorkerWire.EVALUATE) {
            var res = trainer.evaluate(new EvaluateIns(p, config));
            out.writeByte(WorkerWire.OK);
            WorkerWire.writeEvaluateRes(out, res);
          } else {
            throw new IllegalArgumentException("unknown request " + request);
          }
        } catch (RuntimeException e) {
          out.writeByte(WorkerWire.ERROR);
          WorkerWire.writeString(out, String.valueOf(e.getMessage()));
        }
        out.flush();
      }
    }
  }
}

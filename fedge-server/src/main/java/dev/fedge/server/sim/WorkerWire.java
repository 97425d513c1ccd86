package dev.fedge.server.sim;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.FitRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages between a simulation and its training workers ({@link SimWorker}), on a loopback
 * socket: a request byte, then its fields; floats travel as raw little-endian bytes so that a worker's
 * update reaches the aggregation bit for bit.
 */
final class WorkerWire {

  /** Parent to worker: train one client. */
  static final byte FIT = 'F';
  /** Parent to worker: evaluate on one client. */
  static final byte EVALUATE = 'V';
  /** Parent to worker: exit. */
  static final byte QUIT = 'Q';
  /** Worker to parent: the request's result follows. */
  static final byte OK = 'R';
  /** Worker to parent: a one-line error follows. */
  static final byte ERROR = 'E';

  private WorkerWire() {}

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static void writeInts(DataOutputStream out, int[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(v);
    out.write(buf.array());
  }

  static int[] readInts(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt() * 4];
    in.readFully(b);
    int[] v = new int[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
    return v;
  }

  static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    out.write(buf.array());
  }

  static float[] readFloats(DataInputStream in, int expected) throws IOException {
    int n = in.readInt();
    if (n != expected) {
      throw new IOException("expected " + expected + " values, got " + n);
    }
    byte[] b = new byte[n * 4];
    in.readFully(b);
    float[] v = new float[n];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  static void writeConfig(DataOutputStream out, Config c) throws IOException {
    out.writeInt(c.values().size());
    for (Map.Entry<String, Object> e : c.values().entrySet()) {
      writeString(out, e.getKey());
      Object v = e.getValue();
      if (v instanceof Long l) {
        out.writeByte('L');
        out.writeLong(l);
      } else if (v instanceof Double d) {
        out.writeByte('D');
        out.writeDouble(d);
      } else if (v instanceof Boolean b) {
        out.writeByte('B');
        out.writeBoolean(b);
      } else {
        out.writeByte('S');
        writeString(out, (String) v);
      }
    }
  }

  static Config readConfig(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = readString(in);
      byte tag = in.readByte();
      m.put(key, switch (tag) {
        case 'L' -> in.readLong();
        case 'D' -> in.readDouble();
        case 'B' -> in.readBoolean();
        case 'S' -> readString(in);
        default -> throw new IOException("config '" + key + "': unknown value tag " + tag);
      });
    }
    return new Config(m);
  }

  static void writeMetrics(DataOutputStream out, Map<String, Double> metrics) throws IOException {
    out.writeInt(metrics.size());
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(metrics).entrySet()) {
      writeString(out, e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  static Map<String, Double> readMetrics(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(readString(in), in.readDouble());
    }
    return m;
  }

  static void writeFitRes(DataOutputStream out, FitRes r) throws IOException {
    writeFloats(out, r.parameters().values());
    out.writeInt(r.numExamples());
    writeMetrics(out, r.metrics());
  }

  static FitRes readFitRes(DataInputStream in, ParameterLayout layout) throws IOException {
    float[] v = readFloats(in, layout.totalSize());
    int n = in.readInt();
    return new FitRes(new Parameters(layout, v), n, readMetrics(in));
  }

  static void writeEvaluateRes(DataOutputStream out, EvaluateRes r) throws IOException {
    out.writeDouble(r.loss());
    out.writeInt(r.numExamples());
    writeMetrics(out, r.metrics());
  }

  static EvaluateRes readEvaluateRes(DataInputStream in) throws IOException {
    double loss = in.readDouble();
    int n = in.readInt();
    return new EvaluateRes(loss, n, readMetrics(in));
  }
}

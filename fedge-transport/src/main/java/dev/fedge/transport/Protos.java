package dev.fedge.transport;

import com.google.protobuf.ByteString;
import dev.fedge.api.Config;
import dev.fedge.api.DeviceFacts;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Telemetry;
import dev.fedge.api.TensorSpec;
import dev.fedge.transport.proto.ConfigValue;
import dev.fedge.transport.proto.Layout;
import dev.fedge.transport.proto.Task;
import dev.fedge.transport.proto.TaskKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Translates between fedge records and protobuf messages; checks what arrives. */
final class Protos {

  private Protos() {}

  static dev.fedge.transport.proto.DeviceFacts toProto(DeviceFacts f) {
    return dev.fedge.transport.proto.DeviceFacts.newBuilder()
        .setOs(f.os())
        .setArch(f.arch())
        .setCores(f.cores())
        .setMemoryBytes(f.memoryBytes())
        .setHeapBytes(f.heapBytes())
        .setAccelerator(f.accelerator())
        .setDeviceClass(f.deviceClass())
        .putAllExtra(f.extra())
        .build();
  }

  static DeviceFacts fromProto(dev.fedge.transport.proto.DeviceFacts f) {
    return new DeviceFacts(
        f.getOs(), f.getArch(), f.getCores(), f.getMemoryBytes(), f.getHeapBytes(),
        f.getAccelerator(), f.getDeviceClass(), f.getExtraMap());
  }

  static dev.fedge.transport.proto.Telemetry toProto(Telemetry t) {
    return dev.fedge.transport.proto.Telemetry.newBuilder()
        .setCpuTemperatureC(t.cpuTemperatureC())
        .setFreeMemoryBytes(t.freeMemoryBytes())
        .setLoadAverage(t.loadAverage())
        .setTimestampMillis(t.timestampMillis())
        .build();
  }

  static Telemetry fromProto(dev.fedge.transport.proto.Telemetry t) {
    return new Telemetry(
        t.getCpuTemperatureC(), t.getFreeMemoryBytes(), t.getLoadAverage(), t.getTimestampMillis());
  }

  static Layout toProto(ParameterLayout layout) {
    Layout.Builder b = Layout.newBuilder();
    for (TensorSpec t : layout.tensors()) {
      dev.fedge.transport.proto.TensorSpec.Builder tb =
          dev.fedge.transport.proto.TensorSpec.newBuilder().setName(t.name());
      for (int d : t.shape()) {
        tb.addShape(d);
      }
      b.addTensors(tb);
    }
    return b.build();
  }

  /** The layout of a message; IllegalArgumentException (naming the tensor) when invalid. */
  static ParameterLayout fromProto(Layout layout) {
    List<TensorSpec> specs = new ArrayList<>(layout.getTensorsCount());
    for (dev.fedge.transport.proto.TensorSpec t : layout.getTensorsList()) {
      int[] shape = new int[t.getShapeCount()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = t.getShape(i);
      }
      specs.add(new TensorSpec(t.getName(), shape));
    }
    return new ParameterLayout(specs);
  }

  static Map<String, ConfigValue> toProto(Config config) {
    Map<String, ConfigValue> m = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : config.values().entrySet()) {
      ConfigValue.Builder v = ConfigValue.newBuilder();
      Object o = e.getValue();
      if (o instanceof Long l) {
        v.setLongValue(l);
      } else if (o instanceof Double d) {
        v.setDoubleValue(d);
      } else if (o instanceof Boolean b) {
        v.setBoolValue(b);
      } else {
        v.setStringValue(o.toString());
      }
      m.put(e.getKey(), v.build());
    }
    return m;
  }

  static Config fromProto(Map<String, ConfigValue> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      ConfigValue v = e.getValue();
      Object o =
          switch (v.getValueCase()) {
            case LONG_VALUE -> v.getLongValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BOOL_VALUE -> v.getBoolValue();
            case STRING_VALUE -> v.getStringValue();
            case VALUE_NOT_SET -> throw new IllegalArgumentException(
                "config '" + e.getKey() + "': value not set");
          };
      m.put(e.getKey(), o);
    }
    return new Config(m);
  }

  static Task toProto(TaskSpec t) {
    return Task.newBuilder()
        .setTaskId(t.taskId())
        .setKind(t.kind() == TaskSpec.Kind.FIT ? TaskKind.FIT : TaskKind.EVALUATE)
        .setRound(t.round())
        .setRunId(t.runId())
        .putAllConfig(toProto(t.config()))
        .setModelId(t.model().id())
        .setModelSha256(ByteString.copyFrom(t.model().sha256()))
        .setModelLength(t.model().length())
        .setModelCrc32C(t.model().crc32c())
        .setLayout(toProto(t.layout()))
        .setCodec(t.codec())
        .setDelta(t.delta())
        .build();
  }

  static TaskSpec fromProto(Task t) {
    TaskSpec.Kind kind =
        switch (t.getKind()) {
          case FIT -> TaskSpec.Kind.FIT;
          case EVALUATE -> TaskSpec.Kind.EVALUATE;
          default -> throw new IllegalArgumentException(
              "task " + t.getTaskId() + ": unknown kind " + t.getKind());
        };
    return new TaskSpec(
        t.getTaskId(),
        kind,
        t.getRound(),
        t.getRunId(),
        fromProto(t.getConfigMap()),
        new ModelRef(t.getModelId(), t.getModelLength(), t.getModelSha256().toByteArray(),
            t.getModelCrc32C()),
        fromProto(t.getLayout()),
        t.getCodec(),
        t.getDelta());
  }

  static dev.fedge.transport.proto.UploadHeader toProto(UploadHeader h) {
    return dev.fedge.transport.proto.UploadHeader.newBuilder()
        .setTaskId(h.taskId())
        .setNumExamples(h.numExamples())
        .putAllMetrics(h.metrics())
        .setTotalLength(h.totalLength())
        .setCrc32C(h.crc32c())
        .setCodec(h.codec())
        .setLayout(toProto(h.layout()))
        .setDelta(h.delta())
        .build();
  }

  static UploadHeader fromProto(dev.fedge.transport.proto.UploadHeader h) {
    if (!h.hasLayout()) {
      throw new IllegalArgumentException("upload for task " + h.getTaskId() + ": layout is missing");
    }
    return new UploadHeader(
        h.getTaskId(),
        h.getNumExamples(),
        h.getMetricsMap(),
        h.getTotalLength(),
        h.getCrc32C(),
        h.getCodec(),
        fromProto(h.getLayout()),
        h.getDelta());
  }
}

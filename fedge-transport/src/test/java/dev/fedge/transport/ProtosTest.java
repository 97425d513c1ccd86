package dev.fedge.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fedge.api.Config;
import dev.fedge.transport.proto.ConfigValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtosTest {

  @Test
  void task_roundTrip_keepsEveryFieldAndConfigType() {
    ModelBlob model = ModelBlob.of("m", new byte[] {1, 2, 3});
    TaskSpec task = new TaskSpec("t9", TaskSpec.Kind.EVALUATE, 7, "run-x",
        Config.of("lr", 0.1, "local_epochs", 2, "objective", "fedprox", "personal", true),
        model.ref(), TransportTestSupport.LAYOUT, "int8", true);

    TaskSpec back = Protos.fromProto(Protos.toProto(task));

    assertEquals(task.taskId(), back.taskId());
    assertEquals(task.kind(), back.kind());
    assertEquals(7, back.round());
    assertEquals("run-x", back.runId());
    assertEquals(task.config(), back.config());
    assertEquals(Long.class, back.config().values().get("local_epochs").getClass());
    assertEquals(task.model(), back.model());
    assertArrayEquals(model.ref().sha256(), back.model().sha256());
    assertEquals(task.layout(), back.layout());
    assertEquals("int8", back.codec());
    assertEquals(true, back.delta());
  }

  @Test
  void config_valueNotSet_namesKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Protos.fromProto(Map.of("lr", ConfigValue.getDefaultInstance())));

    assertEquals("config 'lr': value not set", e.getMessage());
  }

  @Test
  void uploadHeader_withoutLayout_isRejected() {
    dev.fedge.transport.proto.UploadHeader h =
        dev.fedge.transport.proto.UploadHeader.newBuilder().setTaskId("t1").build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Protos.fromProto(h));

    assertEquals("upload for task t1: layout is missing", e.getMessage());
  }

  @Test
  void deviceFacts_roundTrip() {
    assertEquals(TransportTestSupport.FACTS,
        Protos.fromProto(Protos.toProto(TransportTestSupport.FACTS)));
  }
}

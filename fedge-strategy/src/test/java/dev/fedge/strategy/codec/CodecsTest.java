package dev.fedge.strategy.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {

  @Test
  void byName_findsEveryCodecCaseInsensitively() {
    assertEquals("float32", Codecs.byName("float32").name());
    assertEquals("float16", Codecs.byName("Float16").name());
    assertEquals("int8", Codecs.byName(" INT8 ").name());
    assertEquals(List.of("float32", "float16", "int8"), Codecs.names());
    assertEquals("float32", Codecs.defaultCodec().name());
  }

  @Test
  void byName_unknownName_namesValueAndChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Codecs.byName("bfloat16"));
    assertTrue(e.getMessage().contains("'bfloat16'"), e.getMessage());
    assertTrue(e.getMessage().contains("float32, float16, int8"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Codecs.byName(null));
  }
}

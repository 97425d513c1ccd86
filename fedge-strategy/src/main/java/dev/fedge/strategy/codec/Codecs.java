package dev.fedge.strategy.codec;

import java.util.List;
import java.util.Locale;

/** Finds a codec by the name used in run configs and on the command line. */
public final class Codecs {

  private static final List<WireCodec> ALL =
      List.of(new Float32Codec(), new Float16Codec(), new Int8Codec());

  private Codecs() {}

  /**
   * The codec with this name ({@code float32}, {@code float16} or {@code int8}; case-insensitive).
   *
   * @param name the name
   * @return the codec
   * @throws IllegalArgumentException naming the unknown value and the known ones
   */
  public static WireCodec byName(String name) {
    if (name != null) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (WireCodec c : ALL) {
        if (c.name().equals(n)) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException(
        "codec: unknown name '" + name + "', expected one of " + names());
  }

  /** The default codec, {@code float32}. */
  public static WireCodec defaultCodec() {
    return ALL.get(0);
  }

  /** Names of every codec. */
  public static List<String> names() {
    return ALL.stream().map(WireCodec::name).toList();
  }
}

package io.jdtm;

import io.jdtm.spi.Names;
import java.util.Locale;

/** Transaction mode. Immutable and thread-safe. */
public enum Mode {
  SAGA,
  TCC,
  MSG,
  XA,
  WORKFLOW;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name DTM uses on the wire ({@code trans_type}). */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value when it is not a mode
   */
  public static Mode fromWire(String name) {
    for (Mode m : values()) {
      if (m.name().equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown transaction mode " + Names.quote(name));
  }
}

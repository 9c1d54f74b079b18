package io.jdtm;

import java.util.Locale;

/** Transaction mode. Immutable and thread-safe. */
public enum Mode {
  SAGA,
  TCC,
  MSG,
  XA,
  WORKFLOW;

  /** The lower-case name DTM uses on the wire ({@code trans_type}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

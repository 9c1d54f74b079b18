package io.jdtm.examples;

/** Settings shared by the examples. */
final class Demos {
  /** The store the demos use when given none. */
  static final String DEFAULT_STORE = "memory:";

  private Demos() {}
}

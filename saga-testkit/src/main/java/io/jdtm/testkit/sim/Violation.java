package io.jdtm.testkit.sim;

/** A broken invariant, found at a plan step ({@code -1} for the final checks). */
final class Violation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final String invariant;
  final int step;

  Violation(String invariant, String message, int step) {
    super(invariant + " at step " + (step < 0 ? "end" : step) + ": " + message);
    this.invariant = invariant;
    this.step = step;
  }

  Violation atStep(int step) {
    return this.step == step ? this : new Violation(invariant, rawMessage(), step);
  }

  private String rawMessage() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }
}

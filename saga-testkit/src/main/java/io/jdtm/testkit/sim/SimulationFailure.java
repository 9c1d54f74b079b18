package io.jdtm.testkit.sim;

/**
 * A simulation chain broke an invariant: the chain's seed, the invariant, the plan generated from
 * the seed and the smallest plan the shrinker found that still breaks it. Run {@link
 * Simulation#seed} with {@link #seed()} (or {@code -Djdtm.sim.seed=}) to reproduce it. Immutable.
 */
public final class SimulationFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final String invariant;
  private final transient Plan plan;
  private final transient Plan minimal;

  SimulationFailure(String invariant, Plan plan, Plan minimal, String originalMessage,
      String minimalMessage, Throwable cause) {
    super("invariant " + invariant + " violated with seed " + plan.seed()
        + " (reproduce with -Djdtm.sim.seed=" + plan.seed() + "), shrunk from "
        + plan.actions().size() + " to " + minimal.actions().size() + " steps\n  original: "
        + originalMessage + "\n  minimal:  " + minimalMessage + "\n" + minimal.describe(), cause);
    this.invariant = invariant;
    this.plan = plan;
    this.minimal = minimal;
  }

  /** The failing chain's seed. */
  public long seed() {
    return plan.seed();
  }

  /** The invariant broken, as docs/reliability.md names it ({@code user}: your own check). */
  public String invariant() {
    return invariant;
  }

  /** The plan generated from the seed. */
  public Plan plan() {
    return plan;
  }

  /** The smallest plan found that breaks the same invariant. */
  public Plan minimal() {
    return minimal;
  }
}

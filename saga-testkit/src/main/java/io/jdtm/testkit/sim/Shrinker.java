package io.jdtm.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a failing plan by dropping runs of steps (halves, then quarters, down to single steps)
 * while it still breaks the same invariant.
 */
final class Shrinker {
  private final SimulationConfig config;
  private final int maxRuns;
  private int runs;

  Shrinker(SimulationConfig config, int maxRuns) {
    this.config = config;
    this.maxRuns = maxRuns;
  }

  Plan shrink(Plan plan, String invariant) {
    List<SimAction> current = new ArrayList<>(plan.actions());
    int chunk = Math.max(1, current.size() / 2);
    while (chunk >= 1 && runs < maxRuns) {
      boolean removed = false;
      for (int start = 0; start < current.size() && runs < maxRuns; ) {
        List<SimAction> candidate = new ArrayList<>(current.subList(0, start));
        candidate.addAll(current.subList(Math.min(current.size(), start + chunk),
            current.size()));
        if (stillFails(plan.keeping(candidate), invariant)) {
          current = candidate;
          removed = true;
        } else {
          start += chunk;
        }
      }
      if (!removed) {
        chunk /= 2;
      }
    }
    return plan.keeping(current);
  }

  private boolean stillFails(Plan candidate, String invariant) {
    runs++;
    Violation v = violationOf(config, candidate);
    return v != null && v.invariant.equals(invariant);
  }

  /** The violation {@code plan} runs into, or {@code null}. */
  static Violation violationOf(SimulationConfig config, Plan plan) {
    try {
      new SimRun(config, plan).execute();
      return null;
    } catch (Violation v) {
      return v;
    }
  }
}

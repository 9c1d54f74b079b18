package io.jdtm.testkit.sim;

import java.util.List;

/** A seed and the steps generated from it. Immutable. */
public record Plan(long seed, List<SimAction> actions) {
  public Plan {
    actions = List.copyOf(actions);
  }

  /** The plan with only the steps at {@code keep}'s indexes. */
  Plan keeping(List<SimAction> keep) {
    return new Plan(seed, keep);
  }

  /** One step per line, numbered. */
  public String describe() {
    StringBuilder sb = new StringBuilder("plan for seed " + seed + " (" + actions.size()
        + " steps):\n");
    for (int i = 0; i < actions.size(); i++) {
      sb.append(String.format("  %3d  %s%n", i, actions.get(i)));
    }
    return sb.toString();
  }
}

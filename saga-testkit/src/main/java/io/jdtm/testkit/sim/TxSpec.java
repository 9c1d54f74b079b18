package io.jdtm.testkit.sim;

import io.jdtm.testkit.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A generated saga: steps (participant, amount, scripted answers), ordering and options. Amounts
 * of a saga sum to zero, so money is conserved whatever the outcome. Immutable.
 *
 * @param after step index to the steps it waits for (concurrent sagas only)
 * @param timeoutToFail or {@code null}
 * @param retryLimit or -1
 */
public record TxSpec(
    String gid,
    List<Step> steps,
    boolean concurrent,
    Map<Integer, Set<Integer>> after,
    Duration timeoutToFail,
    int retryLimit) {

  /** One step: which participant, the amount it moves, and its scripted answers. */
  public record Step(int participant, long amount, List<Behaviour> action,
      List<Behaviour> compensate) {
    @Override
    public String toString() {
      return "p" + participant + "(" + amount + ") action" + action + " compensate" + compensate;
    }
  }

  @Override
  public String toString() {
    String order = after.isEmpty() ? "" : " after=" + after.entrySet().stream()
        .map(e -> e.getKey() + "<-" + e.getValue()).collect(Collectors.joining(","));
    return gid + (concurrent ? " concurrent" : " sequential") + order
        + (timeoutToFail == null ? "" : " timeout=" + timeoutToFail)
        + (retryLimit < 0 ? "" : " retryLimit=" + retryLimit) + " " + steps;
  }
}

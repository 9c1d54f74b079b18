package io.jdtm.testkit.sim;

import io.jdtm.Mode;
import io.jdtm.testkit.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A generated transaction of any mode: steps (participant, amount, scripted answers), ordering and
 * options. A saga's amounts sum to zero, so money is conserved whatever the outcome. Immutable.
 *
 * @param after step index to the steps it waits for (concurrent sagas only)
 * @param timeoutToFail or {@code null}
 * @param retryLimit or -1 (sagas)
 * @param bodyFails TCC: the body throws after calling every branch; message: the local
 *     transaction refuses
 */
public record TxSpec(
    String gid,
    Mode mode,
    List<Step> steps,
    boolean concurrent,
    Map<Integer, Set<Integer>> after,
    Duration timeoutToFail,
    int retryLimit,
    boolean bodyFails) {

  /**
   * One step: which participant, the amount it moves (or, for your own participant, its payload),
   * and its scripted answers to the forward op (action, try, delivery), TCC's confirm, and the
   * undo (compensate, cancel).
   */
  public record Step(int participant, long amount, Object payload, List<Behaviour> forward,
      List<Behaviour> confirm, List<Behaviour> undo) {
    @Override
    public String toString() {
      return "p" + participant + "(" + (payload != null ? payload : amount) + ") fwd" + forward
          + (confirm.isEmpty() ? "" : " confirm" + confirm) + (undo.isEmpty() ? "" : " undo" + undo);
    }
  }

  @Override
  public String toString() {
    String order = after.isEmpty() ? "" : " after=" + after.entrySet().stream()
        .map(e -> e.getKey() + "<-" + e.getValue()).collect(Collectors.joining(","));
    return gid + " " + mode.wireName() + (concurrent ? " concurrent" : "") + order
        + (timeoutToFail == null ? "" : " timeout=" + timeoutToFail)
        + (retryLimit < 0 ? "" : " retryLimit=" + retryLimit)
        + (bodyFails ? " bodyFails" : "") + " " + steps;
  }
}

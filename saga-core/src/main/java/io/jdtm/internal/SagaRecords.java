package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builds the stored record of a saga definition, validating it. Thread-safe. */
public final class SagaRecords {

  /** One step as the user defined it. */
  public record Step(String action, String compensate, Object payload) {}

  /** Most steps in one saga. */
  public static final int MAX_STEPS = 1000;

  private final Payloads payloads;
  private final Targets targets;

  public SagaRecords(Payloads payloads, Targets targets) {
    this.payloads = payloads;
    this.targets = targets;
  }

  /** The branch id of step {@code index} (0-based): {@code 01}, {@code 02}, ... */
  public static String branchId(int index) {
    return Digits.twoDigits(index + 1);
  }

  /**
   * Builds a SUBMITTED saga record leased to {@code owner}.
   *
   * @param after for concurrent sagas, step index to the steps it waits for
   * @throws InvalidTransactionException when the definition is invalid
   */
  public TxRecord build(String gid, List<Step> steps, Map<Integer, Set<Integer>> after,
      TxOptions options, String customData, String owner, Instant now, Duration lease) {
    Names.requireGid(gid);
    if (steps.isEmpty()) {
      throw new InvalidTransactionException("a saga needs at least one step", gid);
    }
    if (steps.size() > MAX_STEPS) {
      throw new InvalidTransactionException("a saga has at most " + MAX_STEPS + " steps; this one "
          + "has " + steps.size(), gid);
    }
    if (!after.isEmpty() && !options.concurrent()) {
      throw new InvalidTransactionException(
          "step ordering with after() needs concurrent() on the saga", gid);
    }
    checkOrder(gid, steps.size(), after);
    List<BranchRecord> branches = new ArrayList<>(steps.size() * 2);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      String id = branchId(i);
      Target action = targets.sagaOp(s.action());
      Target compensate = targets.sagaOp(s.compensate());
      if (action instanceof Target.None && compensate instanceof Target.None) {
        throw new InvalidTransactionException("step " + i + " has neither an action nor a "
            + "compensation", gid);
      }
      byte[] payload = payloads.encode(gid, id, s.payload(), new Target[] {action, compensate},
          new BranchOp[] {BranchOp.ACTION, BranchOp.COMPENSATE});
      Set<Integer> stepsBefore = after.get(i);
      List<String> deps = stepsBefore == null || stepsBefore.isEmpty() ? List.of()
          : stepsBefore.stream().sorted().map(SagaRecords::branchId).toList();
      branches.add(BranchRecord.prepared(id, BranchOp.ACTION, action.canonical(), payload, deps));
      branches.add(BranchRecord.prepared(
          id, BranchOp.COMPENSATE, compensate.canonical(), payload, List.of()));
    }
    return TxRecord.builder()
        .gid(gid)
        .mode(Mode.SAGA)
        .status(TxStatus.SUBMITTED)
        .version(1)
        .leaseOwner(owner)
        .leaseEpoch(1)
        .nextDueAt(now.plus(lease))
        .createdAt(now)
        .updatedAt(now)
        .customData(customData)
        .options(options)
        .branches(branches)
        .build();
  }

  /** Rejects out-of-range indexes, self-dependencies and cycles. */
  static void checkOrder(String gid, int n, Map<Integer, Set<Integer>> after) {
    int[] indegree = new int[n];
    for (Map.Entry<Integer, Set<Integer>> e : after.entrySet()) {
      int step = e.getKey();
      checkIndex(gid, n, step);
      for (int dep : e.getValue()) {
        checkIndex(gid, n, dep);
        if (dep == step) {
          throw new InvalidTransactionException("step " + step + " cannot run after itself", gid);
        }
      }
      indegree[step] = e.getValue().size();
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    int visited = 0;
    while (!ready.isEmpty()) {
      int done = ready.poll();
      visited++;
      for (Map.Entry<Integer, Set<Integer>> e : after.entrySet()) {
        if (e.getValue().contains(done) && --indegree[e.getKey()] == 0) {
          ready.add(e.getKey());
        }
      }
    }
    if (visited < n) {
      Set<Integer> cyclic = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        if (indegree[i] > 0) {
          cyclic.add(i);
        }
      }
      throw new InvalidTransactionException(
          "the step order has a cycle through steps " + cyclic, gid);
    }
  }

  private static void checkIndex(String gid, int n, int index) {
    if (index < 0 || index >= n) {
      throw new InvalidTransactionException(
          "step index " + index + " is out of range: the saga has steps 0 to " + (n - 1), gid);
    }
  }
}

package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A saga record seen as steps (action + compensation) with their order; every question it answers
 * takes time linear in the number of steps and dependencies. Not thread-safe; one per decision.
 */
final class SagaSteps {
  private final boolean concurrent;
  private final List<BranchRecord> actions = new ArrayList<>();
  private final Map<String, BranchRecord> actionsById = new HashMap<>();
  private final Map<String, BranchRecord> compensationsById = new HashMap<>();

  SagaSteps(TxRecord tx) {
    this.concurrent = tx.options().concurrent();
    for (BranchRecord b : tx.branches()) {
      if (b.op() == BranchOp.ACTION) {
        actions.add(b);
        actionsById.put(b.branchId(), b);
      } else if (b.op() == BranchOp.COMPENSATE) {
        compensationsById.put(b.branchId(), b);
      }
    }
    for (BranchRecord a : actions) {
      if (!compensationsById.containsKey(a.branchId())) {
        throw new IllegalStateException(
            "gid " + tx.gid() + " has no compensation for branch " + a.branchId());
      }
    }
  }

  /** The first action that answered FAILURE, or {@code null}. */
  BranchRecord failedAction() {
    for (BranchRecord a : actions) {
      if (a.status() == BranchStatus.FAILED) {
        return a;
      }
    }
    return null;
  }

  boolean allActionsSucceeded() {
    for (BranchRecord a : actions) {
      if (a.status() != BranchStatus.SUCCEEDED) {
        return false;
      }
    }
    return true;
  }

  /** Actions that may be called now (ignoring retry times). */
  List<BranchRecord> runnableActions() {
    List<BranchRecord> runnable = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      BranchRecord a = actions.get(i);
      if (a.status() == BranchStatus.PREPARED && predecessorsSucceeded(i)) {
        runnable.add(a);
        if (!concurrent) {
          break;
        }
      }
    }
    return runnable;
  }

  private boolean predecessorsSucceeded(int i) {
    if (!concurrent) {
      return i == 0 || actions.get(i - 1).status() == BranchStatus.SUCCEEDED;
    }
    for (String dep : actions.get(i).dependsOn()) {
      if (actionsById.get(dep).status() != BranchStatus.SUCCEEDED) {
        return false;
      }
    }
    return true;
  }

  /** Compensations still owed, in step order: their action may have run, and they have not. */
  List<BranchRecord> pendingCompensations() {
    Set<String> runnable = new HashSet<>();
    for (BranchRecord a : runnableActions()) {
      runnable.add(a.branchId());
    }
    List<BranchRecord> pending = new ArrayList<>();
    for (BranchRecord a : actions) {
      boolean mayHaveRun = a.status() != BranchStatus.PREPARED || a.attempts() > 0
          || runnable.contains(a.branchId());
      BranchRecord c = compensationsById.get(a.branchId());
      if (mayHaveRun && c.status() != BranchStatus.SUCCEEDED) {
        pending.add(c);
      }
    }
    return pending;
  }

  /** Of the pending compensations, those no other pending one's action depends on. */
  List<BranchRecord> readyCompensations(List<BranchRecord> pending) {
    if (!concurrent) {
      return List.of(pending.get(pending.size() - 1));
    }
    Set<String> blocked = new HashSet<>();
    for (BranchRecord c : pending) {
      blocked.addAll(actionsById.get(c.branchId()).dependsOn());
    }
    List<BranchRecord> ready = new ArrayList<>();
    for (BranchRecord c : pending) {
      if (!blocked.contains(c.branchId())) {
        ready.add(c);
      }
    }
    return ready;
  }
}

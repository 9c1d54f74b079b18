package io.jdtm.testkit.sim;

import io.jdtm.BranchOp;
import io.jdtm.Saga;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;
import java.util.HashSet;
import java.util.Set;

/** Sagas in the simulation: I-4 and I-5 (with reverse order for sequential sagas). */
final class SagaScript implements ModeScript {
  @Override
  public void script(SimRun run, TxSpec spec) {
    for (int k = 0; k < spec.steps().size(); k++) {
      TxSpec.Step step = spec.steps().get(k);
      if (run.isUser(step)) {
        continue;
      }
      run.participant(step).script(spec.gid(), SimRun.branchId(k), BranchOp.ACTION,
          step.forward().toArray(Behaviour[]::new));
      run.participant(step).script(spec.gid(), SimRun.branchId(k), BranchOp.COMPENSATE,
          step.undo().toArray(Behaviour[]::new));
    }
  }

  @Override
  public void submit(SimRun run, SimNode node, TxSpec spec) {
    Saga saga = node.manager.saga(spec.gid());
    for (TxSpec.Step step : spec.steps()) {
      String target = run.target(step);
      saga.step(target, target, run.payload(step));
    }
    if (spec.concurrent()) {
      saga.concurrent();
      spec.after().forEach((k, deps) -> saga.after(k, deps.stream().mapToInt(d -> d).toArray()));
    }
    if (spec.timeoutToFail() != null) {
      saga.timeoutToFail(spec.timeoutToFail());
    }
    if (spec.retryLimit() >= 0) {
      saga.retryLimit(spec.retryLimit());
    }
    saga.submit();
  }

  @Override
  public boolean resubmittable() {
    return true;
  }

  @Override
  public void checkTerminal(SimRun run, TxSpec spec, TxStatus status) {
    String gid = spec.gid();
    for (int k = 0; k < spec.steps().size(); k++) {
      if (run.isUser(spec.steps().get(k))) {
        continue; // your own participant: checked by your atQuiescence
      }
      String id = SimRun.branchId(k);
      long actions = run.ledger.effects(gid, id, BranchOp.ACTION);
      long undos = run.ledger.effects(gid, id, BranchOp.COMPENSATE);
      if (status == TxStatus.SUCCEEDED && (actions != 1 || undos != 0)) {
        throw new Violation("I-4", gid + " SUCCEEDED but branch " + id + " has " + actions
            + " action and " + undos + " compensation effects", -1);
      }
      if (status == TxStatus.FAILED && actions != undos) {
        throw new Violation("I-5", gid + " FAILED but branch " + id + " has " + actions
            + " action and " + undos + " compensation effects", -1);
      }
    }
    if (status == TxStatus.FAILED && !spec.concurrent()) {
      checkReverseOrder(run, gid);
    }
  }

  /** A sequential saga's compensations first succeed in reverse step order. */
  private static void checkReverseOrder(SimRun run, String gid) {
    int last = Integer.MAX_VALUE;
    Set<String> done = new HashSet<>();
    for (Ledger.Entry e : run.ledger.entries(gid)) {
      boolean answeredSuccess = e.attempt() > 0 && e.behaviour() == Behaviour.SUCCESS;
      if (e.op() == BranchOp.COMPENSATE && answeredSuccess && done.add(e.branchId())) {
        int k = Integer.parseInt(e.branchId());
        if (k > last) {
          throw new Violation("I-5", gid + " compensated branch " + e.branchId()
              + " after a branch before it", -1);
        }
        last = k;
      }
    }
  }

  @Override
  public long money(SimRun run, TxSpec spec) {
    long sum = 0;
    for (Ledger.Entry e : run.ledger.applied(spec.gid())) {
      long amount = spec.steps().get(Integer.parseInt(e.branchId()) - 1).amount();
      sum += e.op() == BranchOp.ACTION ? amount : -amount;
    }
    return sum;
  }
}

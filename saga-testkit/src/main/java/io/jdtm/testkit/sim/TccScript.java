package io.jdtm.testkit.sim;

import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;

/**
 * TCC in the simulation: the body calls every branch (a refused try aborts it) and may throw at
 * the end. I-10: confirms only if every try succeeded, never both confirm and cancel effects; a
 * FAILED TCC nets to zero, and nothing stays frozen.
 */
final class TccScript implements ModeScript {
  @Override
  public void script(SimRun run, TxSpec spec) {
    for (int k = 0; k < spec.steps().size(); k++) {
      TxSpec.Step step = spec.steps().get(k);
      if (run.isUser(step)) {
        continue;
      }
      String id = SimRun.branchId(k);
      run.participant(step).script(spec.gid(), id, BranchOp.TRY,
          step.forward().toArray(Behaviour[]::new));
      run.participant(step).script(spec.gid(), id, BranchOp.CONFIRM,
          step.confirm().toArray(Behaviour[]::new));
      run.participant(step).script(spec.gid(), id, BranchOp.CANCEL,
          step.undo().toArray(Behaviour[]::new));
    }
  }

  @Override
  public void submit(SimRun run, SimNode node, TxSpec spec) {
    var tcc = node.manager.tcc(spec.gid());
    if (spec.timeoutToFail() != null) {
      tcc.timeoutToFail(spec.timeoutToFail());
    }
    try {
      tcc.execute(body -> {
        for (TxSpec.Step step : spec.steps()) {
          String target = run.target(step);
          body.branch(target, target, target, run.payload(step));
        }
        if (spec.bodyFails()) {
          throw new BodyRefuses();
        }
      });
    } catch (BodyRefuses | BranchFailedException scripted) {
      // the body or a try refused, as scripted: the transaction is aborting
    }
  }

  /** The body's scripted refusal. */
  private static final class BodyRefuses extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyRefuses() {
      super("the body refuses", null, false, false);
    }
  }

  @Override
  public boolean resubmittable() {
    return false;
  }

  @Override
  public void checkTerminal(SimRun run, TxSpec spec, TxStatus status) {
    String gid = spec.gid();
    if (spec.bodyFails() && status == TxStatus.SUCCEEDED) {
      throw new Violation("I-10", gid + " SUCCEEDED although its body threw", -1);
    }
    for (int k = 0; k < spec.steps().size(); k++) {
      if (run.isUser(spec.steps().get(k))) {
        continue; // your own participant: checked by your atQuiescence
      }
      String id = SimRun.branchId(k);
      long tries = run.ledger.effects(gid, id, BranchOp.TRY);
      long confirms = run.ledger.effects(gid, id, BranchOp.CONFIRM);
      long cancels = run.ledger.effects(gid, id, BranchOp.CANCEL);
      if (confirms > 0 && cancels > 0) {
        throw new Violation("I-10", gid + " branch " + id + " was both confirmed and cancelled",
            -1);
      }
      if (status == TxStatus.SUCCEEDED && (tries != 1 || confirms != 1)) {
        throw new Violation("I-10", gid + " SUCCEEDED but branch " + id + " has " + tries
            + " try and " + confirms + " confirm effects", -1);
      }
      if (status == TxStatus.FAILED && (confirms != 0 || tries != cancels)) {
        throw new Violation("I-10", gid + " FAILED but branch " + id + " has " + tries + " try, "
            + confirms + " confirm and " + cancels + " cancel effects", -1);
      }
    }
  }

  /** Confirmed amounts move money; the frozen amount of a try must be released by either. */
  @Override
  public long money(SimRun run, TxSpec spec) {
    long moved = 0;
    long frozen = 0;
    for (Ledger.Entry e : run.ledger.applied(spec.gid())) {
      long amount = spec.steps().get(Integer.parseInt(e.branchId()) - 1).amount();
      if (e.op() == BranchOp.CONFIRM) {
        moved += amount;
      }
      frozen += e.op() == BranchOp.TRY ? amount : -amount;
    }
    if (frozen != 0) {
      throw new Violation("I-7", spec.gid() + " leaves " + frozen + " frozen", -1);
    }
    return moved;
  }
}

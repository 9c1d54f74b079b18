package io.jdtm.testkit.sim;

import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.Msg;
import io.jdtm.Outcome;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.Ledger;

/**
 * 2-phase messages in the simulation: a local transaction under the shared in-memory barrier
 * records a "committed" mark and the negated amount; I-11: delivered (each action once) exactly
 * when the local transaction committed, never delivered otherwise.
 */
final class MsgScript implements ModeScript {
  @Override
  public void script(SimRun run, TxSpec spec) {
    for (int k = 0; k < spec.steps().size(); k++) {
      TxSpec.Step step = spec.steps().get(k);
      if (run.isUser(step)) {
        continue;
      }
      run.participant(step).script(spec.gid(), SimRun.branchId(k), BranchOp.ACTION,
          step.forward().toArray(Behaviour[]::new));
    }
  }

  @Override
  public void submit(SimRun run, SimNode node, TxSpec spec) throws Exception {
    Msg msg = node.manager.msg(spec.gid());
    long total = 0;
    for (TxSpec.Step step : spec.steps()) {
      msg.add(run.target(step), run.payload(step));
      total += step.amount();
    }
    long outflow = total;
    try {
      msg.doAndSubmit(node.barrier, tx -> {
        if (spec.bodyFails()) {
          return Outcome.failure("the local transaction refuses");
        }
        tx.put(committedKey(spec), 1);
        tx.add(moneyKey(spec), -outflow);
        return Outcome.success();
      });
    } catch (BranchFailedException refused) {
      // the local transaction refused: the message is aborted, as scripted
    }
  }

  /**
   * No: a second doAndSubmit may legitimately move a message its first run left PREPARED (the
   * barrier keeps the local transaction from running twice, which MsgCases tests).
   */
  @Override
  public boolean resubmittable() {
    return false;
  }

  @Override
  public void checkTerminal(SimRun run, TxSpec spec, TxStatus status) {
    boolean committed = run.barrier.value(committedKey(spec)) == 1;
    for (int k = 0; k < spec.steps().size(); k++) {
      if (run.isUser(spec.steps().get(k))) {
        continue; // your own participant: checked by your atQuiescence
      }
      long effects = run.ledger.effects(spec.gid(), SimRun.branchId(k), BranchOp.ACTION);
      if (committed && (status != TxStatus.SUCCEEDED || effects != 1)) {
        throw new Violation("I-11", spec.gid() + " committed locally but is " + status
            + " with " + effects + " effects of action " + SimRun.branchId(k), -1);
      }
      if (!committed && (status != TxStatus.FAILED || effects != 0)) {
        throw new Violation("I-11", spec.gid() + " did not commit locally but is " + status
            + " with " + effects + " effects of action " + SimRun.branchId(k), -1);
      }
    }
  }

  @Override
  public long money(SimRun run, TxSpec spec) {
    long sum = run.barrier.value(moneyKey(spec));
    for (Ledger.Entry e : run.ledger.applied(spec.gid())) {
      sum += spec.steps().get(Integer.parseInt(e.branchId()) - 1).amount();
    }
    return sum;
  }

  private static String committedKey(TxSpec spec) {
    return "committed:" + spec.gid();
  }

  private static String moneyKey(TxSpec spec) {
    return "money:" + spec.gid();
  }
}

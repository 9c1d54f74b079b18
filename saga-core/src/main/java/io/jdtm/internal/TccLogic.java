package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.List;

/**
 * TCC rules. While PREPARED the initiator runs its body (registering branches and calling their
 * tries); if it has not submitted by the timeout, recovery aborts. SUBMITTED: confirm every
 * registered branch in reverse registration order, as DTM does, each retried until it succeeds.
 * ABORTING: cancel every registered branch in reverse order too (a branch whose try failed or
 * never ran as well: the barrier makes that a no-op), each retried until it succeeds. Stateless
 * and thread-safe.
 */
final class TccLogic implements ModeLogic {
  private final Retries retries;

  TccLogic(Retries retries) {
    this.retries = retries;
  }

  @Override
  public Decision next(TxRecord tx, Instant now) {
    return switch (tx.status()) {
      case PREPARED -> prepared(tx, now);
      case SUBMITTED -> finishWith(lastPending(tx, BranchOp.CONFIRM), now, TxStatus.SUCCEEDED);
      case ABORTING -> finishWith(lastPending(tx, BranchOp.CANCEL), now, TxStatus.FAILED);
      case SUCCEEDED, FAILED -> new Decision.Wait(null);
    };
  }

  private Decision prepared(TxRecord tx, Instant now) {
    Instant deadline = retries.deadline(tx);
    if (deadline != null && now.isBefore(deadline)) {
      return new Decision.Wait(deadline);
    }
    return new Decision.Transition(TxStatus.ABORTING,
        "still PREPARED after " + tx.options().timeoutToFail() + ": the body did not finish");
  }

  private static Decision finishWith(BranchRecord pending, Instant now, TxStatus done) {
    return pending == null
        ? new Decision.Transition(done, null)
        : Retries.callOrWait(List.of(pending), now, null);
  }

  /** The last registered op of this kind not yet done: both phases run in reverse order. */
  private static BranchRecord lastPending(TxRecord tx, BranchOp op) {
    List<BranchRecord> branches = tx.branches();
    for (int k = branches.size() - 1; k >= 0; k--) {
      BranchRecord b = branches.get(k);
      if (b.op() == op && b.status() != BranchStatus.SUCCEEDED) {
        return b;
      }
    }
    return null;
  }

  /**
   * The first try the initiator recorded as not succeeded (the body may have caught its
   * exception), described; {@code null} when there is none. A TCC with one is never submitted.
   */
  static String failedTry(TxRecord tx) {
    for (BranchRecord b : tx.branches()) {
      if (b.op() == BranchOp.TRY && b.status() != BranchStatus.SUCCEEDED) {
        return "branch " + b.branchId() + (b.lastError() == null ? "" : " (" + b.lastError() + ")");
      }
    }
    return null;
  }

  @Override
  public void fold(TxRecord tx, List<Call> calls, Instant now, TxUpdate.Builder update) {
    for (Call call : calls) {
      update.branch(retries.progress(tx, call, now));
    }
  }
}

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
 * The rules of the two modes whose body runs while the transaction is PREPARED and registers
 * branches with a phase-two op each way: TCC (confirm, cancel) and XA (commit, rollback). While
 * PREPARED the initiator runs its body; if it has not submitted by the timeout, recovery aborts.
 * SUBMITTED: run every registered branch's forward op, each retried until it succeeds. ABORTING:
 * run every registered branch's undo op (a branch whose try or local transaction failed or never
 * ran as well: the barrier makes that a no-op), each retried until it succeeds. TCC goes in
 * reverse registration order, as DTM does; XA in registration order, as DTM does. Stateless and
 * thread-safe.
 */
final class PhaseTwoLogic implements ModeLogic {
  private final Retries retries;
  private final BranchOp forward;
  private final BranchOp undo;
  private final boolean inOrder;

  private PhaseTwoLogic(Retries retries, BranchOp forward, BranchOp undo, boolean inOrder) {
    this.retries = retries;
    this.forward = forward;
    this.undo = undo;
    this.inOrder = inOrder;
  }

  /** TCC: confirm or cancel, in reverse order. */
  static PhaseTwoLogic tcc(Retries retries) {
    return new PhaseTwoLogic(retries, BranchOp.CONFIRM, BranchOp.CANCEL, false);
  }

  /** XA: commit or roll back, in branch order. */
  static PhaseTwoLogic xa(Retries retries) {
    return new PhaseTwoLogic(retries, BranchOp.COMMIT, BranchOp.ROLLBACK, true);
  }

  @Override
  public Decision next(TxRecord tx, Instant now) {
    return switch (tx.status()) {
      case PREPARED -> prepared(tx, now);
      case SUBMITTED -> finishWith(nextPending(tx, forward), now, TxStatus.SUCCEEDED);
      case ABORTING -> finishWith(nextPending(tx, undo), now, TxStatus.FAILED);
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

  /** The next registered op of this kind not yet done, in this mode's order. */
  private BranchRecord nextPending(TxRecord tx, BranchOp op) {
    List<BranchRecord> branches = tx.branches();
    int n = branches.size();
    for (int i = 0; i < n; i++) {
      BranchRecord b = branches.get(inOrder ? i : n - 1 - i);
      if (b.op() == op && b.status() != BranchStatus.SUCCEEDED) {
        return b;
      }
    }
    return null;
  }

  /**
   * The first inline op (a TCC try, an XA branch's local transaction) the initiator recorded as
   * not succeeded (the body may have caught its exception), described; {@code null} when there is
   * none. A transaction with one is never submitted.
   */
  static String failedInline(TxRecord tx) {
    BranchOp inline = tx.mode() == io.jdtm.Mode.XA ? BranchOp.ACTION : BranchOp.TRY;
    for (BranchRecord b : tx.branches()) {
      if (b.op() == inline && b.status() != BranchStatus.SUCCEEDED) {
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

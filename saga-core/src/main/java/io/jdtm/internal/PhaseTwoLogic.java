package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of the two modes whose body runs while the transaction is PREPARED and registers
 * branches with a phase-two op each way: TCC (confirm, cancel) and XA (commit, rollback). While
 * PREPARED the initiator runs its body; if it has not submitted by the timeout, recovery aborts.
 * SUBMITTED: run every registered branch's forward op, each retried until it succeeds. ABORTING:
 * run every registered branch's undo op (a branch whose try or local transaction failed or never
 * ran as well: the barrier makes that a no-op), each retried until it succeeds. TCC goes one at a
 * time in reverse registration order, as DTM does. XA runs every branch's op at once, each
 * retried on its own, so that a database that is down holds up only its own branches while the
 * others commit or roll back and release their locks (DTM goes one at a time). Stateless and
 * thread-safe.
 */
final class PhaseTwoLogic implements ModeLogic {
  private final Retries retries;
  private final BranchOp forward;
  private final BranchOp undo;
  private final boolean allAtOnce;

  private PhaseTwoLogic(Retries retries, BranchOp forward, BranchOp undo, boolean allAtOnce) {
    this.retries = retries;
    this.forward = forward;
    this.undo = undo;
    this.allAtOnce = allAtOnce;
  }

  /** TCC: confirm or cancel, in reverse order. */
  static PhaseTwoLogic tcc(Retries retries) {
    return new PhaseTwoLogic(retries, BranchOp.CONFIRM, BranchOp.CANCEL, false);
  }

  /** XA: commit or roll back every branch at once. */
  static PhaseTwoLogic xa(Retries retries) {
    return new PhaseTwoLogic(retries, BranchOp.COMMIT, BranchOp.ROLLBACK, true);
  }

  @Override
  public Decision next(TxRecord tx, Instant now) {
    return switch (tx.status()) {
      case PREPARED -> prepared(tx, now);
      case SUBMITTED -> finishWith(pending(tx, forward), now, TxStatus.SUCCEEDED);
      case ABORTING -> finishWith(pending(tx, undo), now, TxStatus.FAILED);
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

  private static Decision finishWith(List<BranchRecord> pending, Instant now, TxStatus done) {
    return pending.isEmpty()
        ? new Decision.Transition(done, null)
        : Retries.callOrWait(pending, now, null);
  }

  /**
   * The registered ops of this kind not yet done that run now: all of them (XA), or the last one
   * (TCC: reverse registration order, one at a time).
   */
  private List<BranchRecord> pending(TxRecord tx, BranchOp op) {
    List<BranchRecord> branches = tx.branches();
    List<BranchRecord> found = new ArrayList<>();
    for (int k = branches.size() - 1; k >= 0; k--) {
      BranchRecord b = branches.get(k);
      if (b.op() == op && b.status() != BranchStatus.SUCCEEDED) {
        if (!allAtOnce) {
          return List.of(b);
        }
        found.add(0, b);
      }
    }
    return found;
  }

  /**
   * The first inline op (a TCC try, an XA branch's local transaction) the initiator recorded as
   * not succeeded (the body may have caught its exception), described; {@code null} when there is
   * none. A transaction with one is never submitted.
   */
  static String failedInline(TxRecord tx) {
    BranchOp inline = tx.mode() == Mode.XA ? BranchOp.ACTION : BranchOp.TRY;
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

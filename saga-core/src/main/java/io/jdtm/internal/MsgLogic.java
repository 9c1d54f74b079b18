package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.CallResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-phase message rules. PREPARED until the initiator submits; if it has not by the timeout,
 * recovery asks the check-back (branch {@code 00}, op MSG) whether the local transaction
 * committed: SUCCESS submits, FAILURE aborts, ONGOING asks again later. SUBMITTED: deliver every
 * action concurrently, each retried until it succeeds (there is no rollback after submit).
 * ABORTING has nothing to undo and ends FAILED. Stateless and thread-safe.
 */
final class MsgLogic implements ModeLogic {
  /** Branch id of the check-back (and of the local transaction's barrier row), as in DTM. */
  static final String CHECK_BACK_BRANCH = "00";

  private final Retries retries;

  MsgLogic(Retries retries) {
    this.retries = retries;
  }

  @Override
  public Decision next(TxRecord tx, Instant now) {
    return switch (tx.status()) {
      case PREPARED -> prepared(tx, now);
      case SUBMITTED -> deliver(tx, now);
      case ABORTING -> new Decision.Transition(TxStatus.FAILED, null);
      case SUCCEEDED, FAILED -> new Decision.Wait(null);
    };
  }

  private Decision prepared(TxRecord tx, Instant now) {
    Instant firstCheck = retries.deadline(tx);
    if (firstCheck != null && now.isBefore(firstCheck)) {
      return new Decision.Wait(firstCheck);
    }
    BranchRecord check = tx.branch(CHECK_BACK_BRANCH, BranchOp.MSG).orElseThrow(
        () -> new IllegalStateException("message " + tx.gid() + " has no check-back"));
    return Retries.callOrWait(List.of(check), now, null);
  }

  private static Decision deliver(TxRecord tx, Instant now) {
    List<BranchRecord> pending = new ArrayList<>();
    for (BranchRecord b : tx.branches()) {
      if (b.op() == BranchOp.ACTION && b.status() != BranchStatus.SUCCEEDED) {
        pending.add(b);
      }
    }
    return pending.isEmpty()
        ? new Decision.Transition(TxStatus.SUCCEEDED, null)
        : Retries.callOrWait(pending, now, null);
  }

  @Override
  public void fold(TxRecord tx, List<Call> calls, Instant now, TxUpdate.Builder update) {
    for (Call call : calls) {
      boolean checkBack = call.branch().op() == BranchOp.MSG;
      if (checkBack && call.result() == CallResult.FAILURE) {
        update.branch(retries.failed(call))
            .status(TxStatus.ABORTING)
            .reason("check-back: the local transaction did not commit"
                + (call.detail() == null ? "" : " (" + call.detail() + ")"));
      } else {
        update.branch(retries.progress(tx, call, now));
        if (checkBack && call.result() == CallResult.SUCCESS) {
          update.status(TxStatus.SUBMITTED);
        }
      }
    }
  }
}

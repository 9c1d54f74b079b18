package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.CallResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.List;

/**
 * Saga rules. Forward: actions one by one, or as a DAG when concurrent; every success moves on;
 * a FAILURE (or the retry limit, or the timeout) aborts. Backward: compensate every action that
 * may have run (it succeeded, failed, was called, or was runnable when the saga aborted, since a
 * crashed instance may have called it), in reverse order (for a DAG, after all its dependents),
 * retrying until each succeeds. Stateless and thread-safe.
 */
final class SagaLogic implements ModeLogic {
  private final Retries retries;

  SagaLogic(Retries retries) {
    this.retries = retries;
  }

  @Override
  public Decision next(TxRecord tx, Instant now) {
    return switch (tx.status()) {
      case SUBMITTED -> forward(tx, now);
      case ABORTING -> backward(tx, now);
      case SUCCEEDED, FAILED -> new Decision.Wait(null);
      case PREPARED -> throw new IllegalStateException("a saga is never PREPARED: " + tx.gid());
    };
  }

  private Decision forward(TxRecord tx, Instant now) {
    SagaSteps steps = new SagaSteps(tx);
    BranchRecord failed = steps.failedAction();
    if (failed != null) {
      return new Decision.Transition(TxStatus.ABORTING, failureReason(failed.branchId(),
          failed.lastError()));
    }
    if (steps.allActionsSucceeded()) {
      return new Decision.Transition(TxStatus.SUCCEEDED, null);
    }
    Instant deadline = retries.deadline(tx);
    if (deadline != null && !now.isBefore(deadline)) {
      return new Decision.Transition(
          TxStatus.ABORTING, "timed out after " + tx.options().timeoutToFail());
    }
    return Retries.callOrWait(steps.runnableActions(), now, deadline);
  }

  private Decision backward(TxRecord tx, Instant now) {
    SagaSteps steps = new SagaSteps(tx);
    List<BranchRecord> pending = steps.pendingCompensations();
    if (pending.isEmpty()) {
      return new Decision.Transition(TxStatus.FAILED, null);
    }
    return Retries.callOrWait(steps.readyCompensations(pending), now, null);
  }

  @Override
  public void fold(TxRecord tx, List<Call> calls, Instant now, TxUpdate.Builder update) {
    String abortReason = null;
    for (Call call : calls) {
      BranchRecord b = call.branch();
      boolean action = b.op() == BranchOp.ACTION;
      if (action && call.result() == CallResult.FAILURE) {
        update.branch(retries.failed(call));
        abortReason = first(abortReason, failureReason(b.branchId(), call.detail()));
      } else {
        update.branch(retries.progress(tx, call, now));
        if (action && retries.limitReached(tx, call)) {
          abortReason = first(abortReason, "branch " + b.branchId() + " action: retry limit "
              + tx.options().retryLimit() + " reached" + suffix(call.detail()));
        }
      }
    }
    if (abortReason != null && tx.status() == TxStatus.SUBMITTED) {
      update.status(TxStatus.ABORTING).reason(abortReason);
    }
  }

  private static String failureReason(String branchId, String detail) {
    return "branch " + branchId + " action failed" + suffix(detail);
  }

  private static String suffix(String detail) {
    return detail == null ? "" : ": " + detail;
  }

  private static String first(String current, String candidate) {
    return current != null ? current : candidate;
  }
}

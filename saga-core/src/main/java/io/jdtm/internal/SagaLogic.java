package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.time.Instant;
import java.util.ArrayList;
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
    Instant deadline = retries.deadline(tx);
    if (deadline != null && !now.isBefore(deadline)) {
      return new Decision.Transition(
          TxStatus.ABORTING, "timed out after " + tx.options().timeoutToFail());
    }
    SagaSteps steps = new SagaSteps(tx);
    for (BranchRecord action : steps.actions()) {
      if (action.status() == BranchStatus.FAILED) {
        return new Decision.Transition(TxStatus.ABORTING, failureReason(action));
      }
    }
    if (steps.allActionsSucceeded()) {
      return new Decision.Transition(TxStatus.SUCCEEDED, null);
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
      if (action && call.result() == io.jdtm.CallResult.FAILURE) {
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

  private static String failureReason(BranchRecord action) {
    return failureReason(action.branchId(), action.lastError());
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

  /** The saga's steps as pairs of action and compensation, with their ordering. */
  static final class SagaSteps {
    private final TxRecord tx;
    private final List<BranchRecord> actions = new ArrayList<>();

    SagaSteps(TxRecord tx) {
      this.tx = tx;
      for (BranchRecord b : tx.branches()) {
        if (b.op() == BranchOp.ACTION) {
          actions.add(b);
        }
      }
    }

    List<BranchRecord> actions() {
      return actions;
    }

    boolean allActionsSucceeded() {
      return actions.stream().allMatch(a -> a.status() == BranchStatus.SUCCEEDED);
    }

    /** Actions that may be called now (ignoring retry times). */
    List<BranchRecord> runnableActions() {
      List<BranchRecord> runnable = new ArrayList<>();
      for (int i = 0; i < actions.size(); i++) {
        BranchRecord a = actions.get(i);
        if (a.status() == BranchStatus.PREPARED && predecessorsSucceeded(i)) {
          runnable.add(a);
          if (!tx.options().concurrent()) {
            break;
          }
        }
      }
      return runnable;
    }

    private boolean predecessorsSucceeded(int i) {
      if (!tx.options().concurrent()) {
        return i == 0 || actions.get(i - 1).status() == BranchStatus.SUCCEEDED;
      }
      for (String dep : actions.get(i).dependsOn()) {
        if (action(dep).status() != BranchStatus.SUCCEEDED) {
          return false;
        }
      }
      return true;
    }

    /** Compensations still owed, in step order: their action may have run, and they have not. */
    List<BranchRecord> pendingCompensations() {
      List<BranchRecord> runnable = runnableActions();
      List<BranchRecord> pending = new ArrayList<>();
      for (BranchRecord a : actions) {
        boolean mayHaveRun = a.status() != BranchStatus.PREPARED || a.attempts() > 0
            || runnable.contains(a);
        BranchRecord c = compensation(a.branchId());
        if (mayHaveRun && c.status() != BranchStatus.SUCCEEDED) {
          pending.add(c);
        }
      }
      return pending;
    }

    /** Of the pending compensations, those whose dependents are all compensated. */
    List<BranchRecord> readyCompensations(List<BranchRecord> pending) {
      if (!tx.options().concurrent()) {
        return List.of(pending.get(pending.size() - 1));
      }
      List<BranchRecord> ready = new ArrayList<>();
      for (BranchRecord c : pending) {
        if (pending.stream().noneMatch(other -> dependsOn(other.branchId(), c.branchId()))) {
          ready.add(c);
        }
      }
      return ready;
    }

    private boolean dependsOn(String branchId, String dependency) {
      return action(branchId).dependsOn().contains(dependency);
    }

    private BranchRecord action(String branchId) {
      return tx.branch(branchId, BranchOp.ACTION).orElseThrow();
    }

    private BranchRecord compensation(String branchId) {
      return tx.branch(branchId, BranchOp.COMPENSATE).orElseThrow(() -> new IllegalStateException(
          "gid " + tx.gid() + " has no compensation for branch " + branchId));
    }
  }
}

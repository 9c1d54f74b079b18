package io.jdtm.internal;

import io.jdtm.BranchStatus;
import io.jdtm.CallResult;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.BranchUpdate;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns call results into branch progress with retry times, shared by every mode: SUCCESS is
 * done; ONGOING is called again after the retry interval and resets the backoff; a call without
 * an answer (unknown outcome, not called, a refused undo) raises the backoff level and waits the
 * grown, jittered delay. Only calls that reached the participant count as attempts. Thread-safe.
 */
final class Retries {
  private final Backoff backoff;

  Retries(Backoff backoff) {
    this.backoff = backoff;
  }

  /** When the forward phase times out, or {@code null} for never. */
  Instant deadline(TxRecord tx) {
    Duration timeout = tx.options().timeoutToFail();
    return timeout == null ? null : tx.createdAt().plus(timeout);
  }

  /** A branch op that answered FAILURE for good (saga action, TCC try). */
  BranchUpdate failed(Call call) {
    BranchRecord b = call.branch();
    return new BranchUpdate(b.branchId(), b.op(), BranchStatus.FAILED, attempts(call), 0, null,
        call.detail());
  }

  /** Progress after a call that did not fail for good: done, or to be retried. */
  BranchUpdate progress(TxRecord tx, Call call, Instant now) {
    BranchRecord b = call.branch();
    int attempts = attempts(call);
    if (call.result() == CallResult.SUCCESS) {
      return new BranchUpdate(b.branchId(), b.op(), BranchStatus.SUCCEEDED, attempts, 0, null,
          null);
    }
    Duration base = tx.options().retryInterval();
    if (call.result() == CallResult.ONGOING) {
      return new BranchUpdate(b.branchId(), b.op(), BranchStatus.PREPARED, attempts, 0,
          now.plus(backoff.afterOngoing(base)), "ONGOING");
    }
    int level = b.backoffLevel() + 1;
    return new BranchUpdate(b.branchId(), b.op(), BranchStatus.PREPARED, attempts, level,
        now.plus(backoff.afterUnknown(base, level)), call.detail());
  }

  private static int attempts(Call call) {
    return call.branch().attempts() + (call.attempted() ? 1 : 0);
  }

  /**
   * Whether an action that did not succeed has used up its retries: {@code retryLimit(n)} allows
   * n + 1 calls (ONGOING answers count, as in DTM).
   */
  boolean limitReached(TxRecord tx, Call call) {
    int limit = tx.options().retryLimit();
    return limit >= 0 && call.attempted() && call.result() != CallResult.SUCCESS
        && attempts(call) > limit;
  }

  /**
   * Calls the candidates whose retry time has come; else waits for the earliest retry time (or
   * the deadline, if sooner).
   */
  static Decision callOrWait(List<BranchRecord> candidates, Instant now, Instant deadline) {
    List<BranchRecord> due = new ArrayList<>();
    Instant earliest = deadline;
    for (BranchRecord b : candidates) {
      if (b.retryAt() == null || !b.retryAt().isAfter(now)) {
        due.add(b);
      } else if (earliest == null || b.retryAt().isBefore(earliest)) {
        earliest = b.retryAt();
      }
    }
    return due.isEmpty() ? new Decision.Wait(earliest) : new Decision.Calls(due);
  }
}

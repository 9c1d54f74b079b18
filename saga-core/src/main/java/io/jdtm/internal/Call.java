package io.jdtm.internal;

import io.jdtm.CallResult;
import io.jdtm.Saga;
import io.jdtm.spi.BranchRecord;

/**
 * The result of calling one branch op: what happened, a detail (failure reason or error) to
 * record, what a successful op returned (for an inline caller; never stored), and the exception
 * that made the outcome unknown, if one did (for the log; never stored). Immutable and
 * thread-safe.
 */
record Call(BranchRecord branch, CallResult result, String detail, String output,
    Throwable error) {
  /** Longest detail kept in a record; longer ones are cut. */
  static final int MAX_DETAIL = 500;

  Call {
    if (detail != null && detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
  }

  /** A call that returned {@code output}. */
  Call(BranchRecord branch, CallResult result, String detail, String output) {
    this(branch, result, detail, output, null);
  }

  /** A call that returned nothing. */
  Call(BranchRecord branch, CallResult result, String detail) {
    this(branch, result, detail, null, null);
  }

  /** A call whose outcome is unknown because of {@code error}. */
  static Call threw(BranchRecord branch, String what, Throwable error) {
    return new Call(branch, CallResult.UNKNOWN, what + " " + error, null, error);
  }

  /** Whether the op was called at all (counts as an attempt); a missing op never is. */
  boolean attempted() {
    return result != CallResult.NOT_CALLED && !Saga.NONE.equals(branch.target());
  }
}

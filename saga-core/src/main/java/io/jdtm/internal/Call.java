package io.jdtm.internal;

import io.jdtm.CallResult;
import io.jdtm.spi.BranchRecord;

/**
 * The result of calling one branch op: what happened, and a detail (failure reason or error) to
 * record. Immutable and thread-safe.
 */
record Call(BranchRecord branch, CallResult result, String detail) {
  /** Longest detail kept in a record; longer ones are cut. */
  static final int MAX_DETAIL = 500;

  Call {
    if (detail != null && detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
  }

  /** Whether the op was called at all (counts as an attempt). */
  boolean attempted() {
    return result != CallResult.NOT_CALLED;
  }
}

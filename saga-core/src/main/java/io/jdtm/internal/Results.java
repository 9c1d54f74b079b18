package io.jdtm.internal;

import io.jdtm.BranchStatus;
import io.jdtm.TxResult;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import java.time.Instant;

/** Turns a stored record into what a waiter gets back. Stateless. */
final class Results {
  /** Longest last error handed out; the stored one is already bounded, this keeps it short. */
  static final int MAX_ERROR = 300;
  /** What an ONGOING answer leaves in a branch's last error: a state, not an error. */
  private static final String ONGOING = "ONGOING";

  private Results() {}

  static TxResult of(TxRecord r) {
    return new TxResult(r.gid(), r.status(), r.reason(), lastError(r));
  }

  /**
   * The last error of a branch op that has not succeeded: the one retried last (latest retry
   * time), else the last in definition order; {@code null} when none has one.
   */
  static String lastError(TxRecord r) {
    BranchRecord latest = null;
    for (BranchRecord b : r.branches()) {
      if (b.status() != BranchStatus.SUCCEEDED && b.lastError() != null
          && !ONGOING.equals(b.lastError()) && !before(b.retryAt(), latest)) {
        latest = b;
      }
    }
    return latest == null ? null : sanitize("branch " + latest.branchId() + " "
        + latest.op().wireName() + ": " + latest.lastError());
  }

  private static boolean before(Instant retryAt, BranchRecord latest) {
    return latest != null && latest.retryAt() != null
        && (retryAt == null || retryAt.isBefore(latest.retryAt()));
  }

  /** One line, bounded. */
  static String sanitize(String text) {
    String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
    return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR) + "...";
  }
}

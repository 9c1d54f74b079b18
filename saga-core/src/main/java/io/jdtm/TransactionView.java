package io.jdtm;

import io.jdtm.spi.TxOptions;
import java.time.Instant;
import java.util.List;

/**
 * Read-only snapshot of a stored transaction, as returned by {@link TransactionManager#find}.
 * Immutable and thread-safe.
 *
 * @param reason why it is aborting or failed, or {@code null}
 * @param nextDueAt when it will next be looked at, or {@code null} when terminal
 * @param branches branch ops in definition order
 * @param options the options stored with it, as every instance drives it: timeoutToFail (null for
 *     never), retryInterval, retryLimit (-1 for none), requestTimeout, concurrent
 */
public record TransactionView(
    String gid,
    Mode mode,
    TxStatus status,
    Instant createdAt,
    Instant updatedAt,
    Instant nextDueAt,
    String reason,
    String customData,
    List<BranchView> branches,
    TxOptions options) {

  public TransactionView {
    branches = List.copyOf(branches);
  }

  /** The branch op with this id and op, or {@code null}. */
  public BranchView branch(String branchId, BranchOp op) {
    for (BranchView b : branches) {
      if (b.op() == op && b.branchId().equals(branchId)) {
        return b;
      }
    }
    return null;
  }
}

package io.jdtm.spi;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * New progress of one branch op within a {@link TxUpdate}: the fields replace the stored ones.
 * Immutable and thread-safe.
 */
public record BranchUpdate(
    String branchId,
    BranchOp op,
    BranchStatus status,
    int attempts,
    int backoffLevel,
    Instant retryAt,
    String lastError) {

  public BranchUpdate {
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(status, "status");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
    }
    if (backoffLevel < 0) {
      throw new IllegalArgumentException("backoffLevel must not be negative, was " + backoffLevel);
    }
  }
}

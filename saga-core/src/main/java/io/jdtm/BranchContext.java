package io.jdtm;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a branch call stands: the global transaction, the branch and op, which attempt this is,
 * and the deadline by which the caller stops waiting. The sub-transaction barrier keys its rows on
 * {@code (mode, gid, branchId, op)}; a remote HTTP participant receives the same values as the
 * query parameters {@code gid}, {@code trans_type}, {@code branch_id} and {@code op} and can
 * rebuild this context with {@link #of}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BranchContext {
  private final String gid;
  private final Mode mode;
  private final String branchId;
  private final BranchOp op;
  private final int attempt;
  private final Instant deadline;

  private BranchContext(
      String gid, Mode mode, String branchId, BranchOp op, int attempt, Instant deadline) {
    this.gid = Objects.requireNonNull(gid, "gid");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.branchId = Objects.requireNonNull(branchId, "branchId");
    this.op = Objects.requireNonNull(op, "op");
    this.attempt = attempt;
    this.deadline = deadline;
  }

  /** A context as a participant rebuilds it from a request; attempt 1, no deadline. */
  public static BranchContext of(String gid, Mode mode, String branchId, BranchOp op) {
    return new BranchContext(gid, mode, branchId, op, 1, null);
  }

  /** A context for a given attempt and deadline (the engine's form). */
  public static BranchContext of(
      String gid, Mode mode, String branchId, BranchOp op, int attempt, Instant deadline) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
    }
    return new BranchContext(gid, mode, branchId, op, attempt, deadline);
  }

  public String gid() {
    return gid;
  }

  public Mode mode() {
    return mode;
  }

  public String branchId() {
    return branchId;
  }

  public BranchOp op() {
    return op;
  }

  /** 1 for the first call of this op, 2 for the first retry, and so on. */
  public int attempt() {
    return attempt;
  }

  /**
   * When the manager stops waiting for this call, or {@code null} when unknown. A Java handler
   * still running then is interrupted and its outcome counts as unknown: the op will be called
   * again, so handlers must be idempotent (the barrier makes them so). (With an executor that runs
   * calls on the caller's thread, such as {@code Runnable::run}, calls cannot be timed out.)
   */
  public Instant deadline() {
    return deadline;
  }

  @Override
  public String toString() {
    return "BranchContext[gid=" + gid + ", mode=" + mode.wireName() + ", branch=" + branchId
        + ", op=" + op.wireName() + ", attempt=" + attempt + "]";
  }
}

package io.jdtm.spi;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One stored branch op: its definition (id, op, target, payload, ordering) and its progress
 * (status, attempts, next retry time, last error). A branch is identified by {@code (branchId,
 * op)} within its transaction.
 *
 * <p>Immutable and thread-safe, except that {@link #payload()} returns the stored array itself for
 * speed: callers must not modify it.
 */
public final class BranchRecord {
  private final String branchId;
  private final BranchOp op;
  private final String target;
  private final byte[] payload;
  private final List<String> dependsOn;
  private final BranchStatus status;
  private final int attempts;
  private final int backoffLevel;
  private final Instant retryAt;
  private final String lastError;

  public BranchRecord(
      String branchId,
      BranchOp op,
      String target,
      byte[] payload,
      List<String> dependsOn,
      BranchStatus status,
      int attempts,
      int backoffLevel,
      Instant retryAt,
      String lastError) {
    this.branchId = Objects.requireNonNull(branchId, "branchId");
    this.op = Objects.requireNonNull(op, "op");
    this.target = Objects.requireNonNull(target, "target");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.dependsOn = List.copyOf(dependsOn);
    this.status = Objects.requireNonNull(status, "status");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
    }
    this.attempts = attempts;
    if (backoffLevel < 0) {
      throw new IllegalArgumentException("backoffLevel must not be negative, was " + backoffLevel);
    }
    this.backoffLevel = backoffLevel;
    this.retryAt = retryAt;
    this.lastError = lastError;
  }

  /** A new, never-called branch op. */
  public static BranchRecord prepared(
      String branchId, BranchOp op, String target, byte[] payload, List<String> dependsOn) {
    return new BranchRecord(
        branchId, op, target, payload, dependsOn, BranchStatus.PREPARED, 0, 0, null, null);
  }

  /**
   * This branch with the progress fields of {@code update}.
   *
   * @throws io.jdtm.IllegalTransitionException when the update moves a finished branch op
   */
  public BranchRecord with(BranchUpdate update, String gid) {
    if (status != BranchStatus.PREPARED && !update.equals(progress())) {
      throw new io.jdtm.IllegalTransitionException(gid, branchId, op,
          status + " -> " + update.status() + " (a finished branch op does not change)");
    }
    return new BranchRecord(branchId, op, target, payload, dependsOn, update.status(),
        update.attempts(), update.backoffLevel(), update.retryAt(), update.lastError());
  }

  /** This branch's progress fields as an update. */
  public BranchUpdate progress() {
    return new BranchUpdate(branchId, op, status, attempts, backoffLevel, retryAt, lastError);
  }

  /** Whether definition fields (not progress) are equal. */
  public boolean sameDefinition(BranchRecord other) {
    return branchId.equals(other.branchId) && op == other.op && target.equals(other.target)
        && Arrays.equals(payload, other.payload) && dependsOn.equals(other.dependsOn);
  }

  public String branchId() {
    return branchId;
  }

  public BranchOp op() {
    return op;
  }

  /** {@code handler:NAME} or an {@code http(s)://} URL. */
  public String target() {
    return target;
  }

  /** Encoded payload; do not modify. */
  public byte[] payload() {
    return payload;
  }

  /** Branch ids whose action must succeed before this one runs (concurrent saga). */
  public List<String> dependsOn() {
    return dependsOn;
  }

  public BranchStatus status() {
    return status;
  }

  /** How many times this op has been called. */
  public int attempts() {
    return attempts;
  }

  /**
   * How many times the retry delay has doubled: raised by each call without an answer (unknown
   * outcome, not called, a refused undo), reset by SUCCESS and ONGOING.
   */
  public int backoffLevel() {
    return backoffLevel;
  }

  /** Earliest time of the next call, or {@code null} for "now". */
  public Instant retryAt() {
    return retryAt;
  }

  /** The last failure or error reason, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BranchRecord b && sameDefinition(b) && status == b.status
        && attempts == b.attempts && backoffLevel == b.backoffLevel
        && Objects.equals(retryAt, b.retryAt)
        && Objects.equals(lastError, b.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(branchId, op, status, attempts);
  }

  @Override
  public String toString() {
    return branchId + "/" + op.wireName() + "[" + status + ", attempts=" + attempts
        + (backoffLevel == 0 ? "" : ", backoff=" + backoffLevel)
        + (retryAt == null ? "" : ", retryAt=" + retryAt)
        + (lastError == null ? "" : ", lastError=" + lastError) + "]";
  }
}

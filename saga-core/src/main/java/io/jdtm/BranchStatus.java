package io.jdtm;

/**
 * Status of one stored branch op: {@code PREPARED -> SUCCEEDED | FAILED}. Immutable and thread-safe.
 */
public enum BranchStatus {
  /** Not yet done (never called, or called without a final answer). */
  PREPARED,
  /** Took effect. */
  SUCCEEDED,
  /** Refused by the participant (a saga action or TCC try answered FAILURE). */
  FAILED;

  /** Whether {@code next} is a legal direct successor of this status. */
  public boolean canMoveTo(BranchStatus next) {
    return this == PREPARED && next != PREPARED;
  }

  /**
   * Checks a transition.
   *
   * @throws IllegalTransitionException when the move is not legal
   */
  public void checkMoveTo(BranchStatus next, String gid, String branchId, BranchOp op) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(gid, branchId, op, this + " -> " + next);
    }
  }
}

package io.jdtm;

import java.util.EnumSet;
import java.util.Set;

/**
 * Status of a global transaction.
 *
 * <p>The legal transitions are one table, {@link #successors()}: {@code PREPARED -> SUBMITTED ->
 * SUCCEEDED}, {@code SUBMITTED -> ABORTING -> FAILED} and {@code PREPARED -> ABORTING}. Terminal
 * statuses never change. Immutable and thread-safe.
 */
public enum TxStatus {
  /** Registered but not yet committed to run (TCC, XA, MSG, workflow before submit). */
  PREPARED,
  /** Committed to run forward: actions, confirms or deliveries are being driven. */
  SUBMITTED,
  /** Rolling back: compensations, cancels or rollbacks are being driven. */
  ABORTING,
  /** Terminal: every branch took effect. */
  SUCCEEDED,
  /** Terminal: rolled back; the net effect of the branches is none. */
  FAILED;

  /** Statuses this one may move to; empty for terminal statuses. */
  public Set<TxStatus> successors() {
    return switch (this) {
      case PREPARED -> EnumSet.of(SUBMITTED, ABORTING);
      case SUBMITTED -> EnumSet.of(SUCCEEDED, ABORTING);
      case ABORTING -> EnumSet.of(FAILED);
      case SUCCEEDED, FAILED -> EnumSet.noneOf(TxStatus.class);
    };
  }

  /** Whether {@code next} is a legal direct successor of this status. */
  public boolean canMoveTo(TxStatus next) {
    return successors().contains(next);
  }

  /**
   * Whether {@code next} can be reached from this status through one or more legal transitions
   * (a write may record several at once, e.g. ABORTING then FAILED when nothing is left to undo).
   */
  public boolean canReach(TxStatus next) {
    for (TxStatus s : successors()) {
      if (s == next || s.canReach(next)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this status is final. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED;
  }

  /**
   * Checks a transition.
   *
   * @throws IllegalTransitionException naming both statuses when the move is not in the table
   */
  public void checkMoveTo(TxStatus next, String gid) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(gid, this + " -> " + next);
    }
  }
}

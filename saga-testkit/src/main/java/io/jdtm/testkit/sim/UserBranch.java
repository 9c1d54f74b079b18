package io.jdtm.testkit.sim;

import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import java.util.List;
import java.util.Objects;

/**
 * One branch of one of your own participants in a simulation chain, as {@link Quiescence} reports
 * it: the transaction it belongs to and how that ended, the payload the plan gave it, and every
 * op your handler was called with for it (engine calls and duplicate deliveries alike, in call
 * order). Immutable and thread-safe when the payload is.
 *
 * @param gid the transaction's gid
 * @param mode the transaction's mode
 * @param branchId the branch id ({@code 01}, {@code 02}, ...)
 * @param participant your participant's name ({@link UserParticipant#name()})
 * @param payload the payload the branch carried
 * @param status the transaction's final status ({@code null}: never stored)
 * @param calls the ops your handler was called with for this branch, in order
 */
public record UserBranch(String gid, Mode mode, String branchId, String participant,
    Object payload, TxStatus status, List<BranchOp> calls) {

  public UserBranch {
    Objects.requireNonNull(gid, "gid");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(branchId, "branchId");
    Objects.requireNonNull(participant, "participant");
    calls = List.copyOf(calls);
  }

  /**
   * The payload as your participant's payload type.
   *
   * @throws ClassCastException when it is not a {@code type}
   */
  public <T> T payload(Class<T> type) {
    return type.cast(payload);
  }

  /** How many times your handler was called with {@code op} for this branch. */
  public long calls(BranchOp op) {
    return calls.stream().filter(op::equals).count();
  }
}

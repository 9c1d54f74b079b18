package io.jdtm;

/** A status change that is not in the state machine table was attempted. Thread-safe once constructed. */
public class IllegalTransitionException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public IllegalTransitionException(String gid, String transition) {
    super("illegal status transition " + transition, gid, null, null, null);
  }

  public IllegalTransitionException(String gid, String branchId, BranchOp op, String transition) {
    super("illegal branch status transition " + transition, gid, branchId, op, null);
  }
}

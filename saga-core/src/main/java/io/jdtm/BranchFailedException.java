package io.jdtm;

/**
 * A branch op called inline did not succeed: a TCC try, or the local transaction of a 2-phase
 * message. Carries what the call answered. Thread-safe once constructed.
 */
public class BranchFailedException extends JdtmException {
  private static final long serialVersionUID = 1L;

  private final CallResult result;

  public BranchFailedException(String gid, String branchId, BranchOp op, CallResult result,
      String detail) {
    super(op.wireName() + " of branch " + branchId + " did not succeed: " + result
        + (detail == null ? "" : " (" + detail + ")"), gid, branchId, op, null);
    this.result = result;
  }

  /** FAILURE for a refusal; ONGOING or UNKNOWN when there was no final answer. */
  public CallResult result() {
    return result;
  }
}

package io.jdtm;

/** A transaction definition is invalid (bad gid, target, option or step order); nothing was stored. Thread-safe once constructed. */
public class InvalidTransactionException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public InvalidTransactionException(String message) {
    super(message);
  }

  public InvalidTransactionException(String message, String gid) {
    super(message, gid, null, null, null);
  }

  public InvalidTransactionException(String message, String gid, String branchId, BranchOp op) {
    super(message, gid, branchId, op, null);
  }
}

package io.jdtm;

/**
 * Root of every exception jdtm throws. Unchecked. Carries the gid, branch id and op it concerns,
 * where there is one; the message names them too. Thread-safe once constructed.
 */
public class JdtmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String gid;
  private final String branchId;
  private final BranchOp op;

  public JdtmException(String message) {
    this(message, null, null, null, null);
  }

  public JdtmException(String message, Throwable cause) {
    this(message, null, null, null, cause);
  }

  public JdtmException(String message, String gid, String branchId, BranchOp op, Throwable cause) {
    super(describe(message, gid, branchId, op), cause);
    this.gid = gid;
    this.branchId = branchId;
    this.op = op;
  }

  /** The global transaction concerned, or {@code null}. */
  public String gid() {
    return gid;
  }

  /** The branch concerned, or {@code null}. */
  public String branchId() {
    return branchId;
  }

  /** The branch op concerned, or {@code null}. */
  public BranchOp op() {
    return op;
  }

  private static String describe(String message, String gid, String branchId, BranchOp op) {
    if (gid == null) {
      return message;
    }
    StringBuilder where = new StringBuilder("[gid=").append(gid);
    if (branchId != null) {
      where.append(" branch=").append(branchId);
    }
    if (op != null) {
      where.append(" op=").append(op.wireName());
    }
    return where.append("] ").append(message).toString();
  }
}

package io.jdtm;

/** A payload could not be encoded or decoded, or is larger than the limit. Thread-safe once constructed. */
public class PayloadCodecException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public PayloadCodecException(String message, Throwable cause) {
    super(message, cause);
  }

  public PayloadCodecException(
      String message, String gid, String branchId, BranchOp op, Throwable cause) {
    super(message, gid, branchId, op, cause);
  }
}

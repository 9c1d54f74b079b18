package io.jdtm;

/** A transaction with this gid exists already with different content; nothing was changed. Thread-safe once constructed. */
public class DuplicateTransactionException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public DuplicateTransactionException(String gid, String difference) {
    super("a transaction with this gid exists already with different content (" + difference
        + "); submit it under a new gid, or resubmit identical content to be idempotent",
        gid, null, null, null);
  }
}

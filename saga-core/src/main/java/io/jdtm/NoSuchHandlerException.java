package io.jdtm;

/** A {@code handler:NAME} target names no handler registered with this manager. Thread-safe once constructed. */
public class NoSuchHandlerException extends JdtmException {
  private static final long serialVersionUID = 1L;

  public NoSuchHandlerException(String gid, String branchId, BranchOp op, String name) {
    super("no handler is registered under the name '" + name + "'; register it with "
        + "TransactionManager.builder().handler(name, payloadType, fn)", gid, branchId, op, null);
  }
}

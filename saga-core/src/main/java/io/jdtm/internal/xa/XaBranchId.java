package io.jdtm.internal.xa;

/**
 * One XA branch: the gid of its global transaction and its branch id. Immutable and thread-safe.
 */
public record XaBranchId(String gid, String branchId) {
  /** Longest gid of an XA transaction: branch id, separator and gid fit in an Xid's 128 bytes. */
  public static final int MAX_GID = Xids.MAX_GID;

  @Override
  public String toString() {
    return "gid=" + gid + " branch=" + branchId;
  }
}

package io.jdtm.internal.xa;

import io.jdtm.spi.Names;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import javax.transaction.xa.Xid;

/**
 * The Xids of XA branches: opaque bytes derived from the gid and the branch id, under a format id
 * of jdtm's own, never SQL text. The global transaction id is the gid's first 64 characters in
 * ASCII (gids are restricted to {@code [A-Za-z0-9_.:-]}); the branch qualifier is {@code
 * <branchId>/<rest of the gid>}, never empty (MariaDB's driver cannot pass an empty one). Both
 * are readable in {@code pg_prepared_xacts} or {@code XA RECOVER}. An Xid holds 128 bytes, so a
 * gid of an XA transaction has at most {@link #MAX_GID} characters. Thread-safe (stateless).
 */
final class Xids {
  /** jdtm's XA format id: the ASCII bytes of {@code jdtm}. */
  public static final int FORMAT_ID = 0x6A64746D;

  /** Longest branch id of an XA branch: {@code 01} to {@code 1000}. */
  public static final int MAX_BRANCH_ID = 4;

  /** Longest gid of an XA transaction, so that branch id, separator and gid fit in 128 bytes. */
  public static final int MAX_GID = Xid.MAXGTRIDSIZE + Xid.MAXBQUALSIZE - MAX_BRANCH_ID - 1;

  private static final char SEPARATOR = '/';

  private Xids() {}

  /**
   * The Xid of branch {@code branchId} of {@code gid}.
   *
   * @throws IllegalArgumentException when the gid or branch id is invalid or too long
   */
  static Xid of(String gid, String branchId) {
    if (!Names.isValidGid(gid) || gid.length() > MAX_GID) {
      throw new IllegalArgumentException("not a gid of an XA transaction: "
          + Names.quote(gid) + " (at most " + MAX_GID + " characters of [A-Za-z0-9_.:-])");
    }
    if (branchId.isEmpty() || branchId.length() > MAX_BRANCH_ID
        || !branchId.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("not an XA branch id: " + Names.quote(branchId));
    }
    int split = Math.min(gid.length(), Xid.MAXGTRIDSIZE);
    return new JdtmXid(gid.substring(0, split).getBytes(StandardCharsets.US_ASCII),
        (branchId + SEPARATOR + gid.substring(split)).getBytes(StandardCharsets.US_ASCII));
  }

  /** The branch an Xid of jdtm's format names; empty for an Xid of another format or shape. */
  static Optional<XaBranchId> parse(Xid xid) {
    if (xid == null || xid.getFormatId() != FORMAT_ID) {
      return Optional.empty();
    }
    byte[] g = xid.getGlobalTransactionId();
    byte[] b = xid.getBranchQualifier();
    if (g == null || b == null) {
      return Optional.empty();
    }
    String qualifier = new String(b, StandardCharsets.US_ASCII);
    int at = qualifier.indexOf(SEPARATOR);
    if (at <= 0) {
      return Optional.empty();
    }
    String branchId = qualifier.substring(0, at);
    String gid = new String(g, StandardCharsets.US_ASCII) + qualifier.substring(at + 1);
    try {
      Xid again = of(gid, branchId);
      return Arrays.equals(again.getGlobalTransactionId(), g)
          && Arrays.equals(again.getBranchQualifier(), b)
          ? Optional.of(new XaBranchId(gid, branchId)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The Xid's readable form for logs: format id, then branch id and gid. */
  static String describe(Xid xid) {
    return parse(xid).map(XaBranchId::toString).orElseGet(() -> "xid(format "
        + xid.getFormatId() + ")");
  }

  /** jdtm's Xid. Immutable and thread-safe. */
  private record JdtmXid(byte[] gtrid, byte[] bqual) implements Xid {
    @Override
    public int getFormatId() {
      return FORMAT_ID;
    }

    @Override
    public byte[] getGlobalTransactionId() {
      return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
      return bqual.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Xid x && x.getFormatId() == FORMAT_ID
          && Arrays.equals(gtrid, x.getGlobalTransactionId())
          && Arrays.equals(bqual, x.getBranchQualifier());
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(gtrid) + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }
}

package io.jdtm.testkit.sim;

import java.util.Arrays;
import javax.transaction.xa.Xid;

/** An Xid a {@link SimXaDatabase} returns from {@code recover}. Immutable and thread-safe. */
record SimXid(int format, byte[] gtrid, byte[] bqual) implements Xid {
  @Override
  public int getFormatId() {
    return format;
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
    return o instanceof Xid x && x.getFormatId() == format
        && Arrays.equals(gtrid, x.getGlobalTransactionId())
        && Arrays.equals(bqual, x.getBranchQualifier());
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(gtrid) + Arrays.hashCode(bqual);
  }

  @Override
  public String toString() {
    return SimXaDatabase.Key.of(this).toString();
  }
}

package io.jdtm.it.xa;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Someone outside jdtm (an operator, another tool) acting on prepared XA branches through the
 * database's own XA interface: finds the branches of a gid by jdtm's Xid format and rolls them
 * back. Also used to clean up after a failed test, so that no prepared branch holds locks on a
 * table being dropped. Thread-safe (stateless).
 */
final class Outsider {
  private Outsider() {}

  /**
   * Rolls back every prepared branch of {@code gid}.
   *
   * @return the rolled-back branches, as {@code <branchId>/<gid>}
   */
  static List<String> rollBack(XADataSource dataSource, String gid) throws Exception {
    List<String> done = new ArrayList<>();
    XAConnection xac = dataSource.getXAConnection();
    try {
      XAResource resource = xac.getXAResource();
      Xid[] xids = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
      for (Xid xid : xids == null ? new Xid[0] : xids) {
        String text = text(xid);
        if (xid.getFormatId() == XaDatabase.JDTM_FORMAT_ID && gidOf(text).equals(gid)) {
          try {
            resource.rollback(xid);
            done.add(text);
          } catch (XAException e) {
            if (e.errorCode != XAException.XAER_NOTA) { // gone meanwhile: nothing to do
              throw e;
            }
          }
        }
      }
    } finally {
      xac.close();
    }
    return done;
  }

  /** The gid in an Xid's text {@code <branchId>/<gid>}. */
  static String gidOf(String text) {
    return text.substring(text.indexOf('/') + 1);
  }

  private static String text(Xid xid) {
    return XaDatabase.branchAndGid(
        new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII),
        new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII));
  }
}

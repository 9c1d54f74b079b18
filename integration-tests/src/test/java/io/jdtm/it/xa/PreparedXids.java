package io.jdtm.it.xa;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The prepared XA branches of jdtm's Xid format (0x6A64746D, bytes {@code <branch>/<gid>}) that a
 * database holds, read with its own SQL ({@code pg_prepared_xacts}, {@code XA RECOVER}), as
 * {@code <branch>/<gid>} strings, only those whose gid starts with a given tag; and the clean-up
 * of a test's leftovers. Thread-safe (stateless).
 */
public final class PreparedXids {
  public static final int FORMAT_ID = 0x6A64746D;

  private PreparedXids() {}

  /**
   * jdtm's prepared branches on a PostgreSQL server, every database of it; pgjdbc names them
   * {@code <format>_<base64 gtrid>_<base64 bqual>}.
   */
  public static List<String> onPostgres(Connection c, String gidTag) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
      while (rs.next()) {
        String[] parts = rs.getString(1).split("_", -1);
        if (parts.length == 3 && parts[0].equals(Integer.toString(FORMAT_ID))) {
          Base64.Decoder base64 = Base64.getDecoder();
          keep(out, text(base64.decode(parts[1]), base64.decode(parts[2])), gidTag);
        }
      }
    }
    return out;
  }

  /** jdtm's prepared branches on a MariaDB server whose gid starts with {@code gidTag}. */
  public static List<String> onMariaDb(Connection c, String gidTag) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("XA RECOVER")) {
      while (rs.next()) {
        if (rs.getInt("formatID") == FORMAT_ID) {
          String data = new String(rs.getBytes("data"), StandardCharsets.US_ASCII);
          int split = rs.getInt("gtrid_length");
          keep(out, XaDatabase.branchAndGid(data.substring(0, split), data.substring(split)),
              gidTag);
        }
      }
    }
    return out;
  }

  /** Rolls back the prepared branches of jdtm's format whose gid starts with {@code gidTag}. */
  public static void rollBack(XADataSource dataSource, String gidTag)
      throws SQLException, XAException {
    XAConnection xc = dataSource.getXAConnection();
    try {
      XAResource r = xc.getXAResource();
      for (Xid x : r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
        if (x.getFormatId() == FORMAT_ID
            && isOf(text(x.getGlobalTransactionId(), x.getBranchQualifier()), gidTag)) {
          r.rollback(x);
        }
      }
    } finally {
      xc.close();
    }
  }

  private static String text(byte[] gtrid, byte[] bqual) {
    return XaDatabase.branchAndGid(new String(gtrid, StandardCharsets.US_ASCII),
        new String(bqual, StandardCharsets.US_ASCII));
  }

  private static void keep(List<String> out, String branchAndGid, String gidTag) {
    if (isOf(branchAndGid, gidTag)) {
      out.add(branchAndGid);
    }
  }

  private static boolean isOf(String branchAndGid, String gidTag) {
    int at = branchAndGid.indexOf('/');
    return at > 0 && branchAndGid.startsWith(gidTag, at + 1);
  }
}

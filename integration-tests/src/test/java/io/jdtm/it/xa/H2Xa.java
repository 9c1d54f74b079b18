package io.jdtm.it.xa;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;

/**
 * An embedded H2 file database under {@code target/xa-cases}, its default user an admin (H2 lists
 * in-doubt branches to admins only). In-doubt branches come from {@code XAResource.recover}, H2's
 * only way to list them. Thread-safe.
 */
final class H2Xa implements XaDatabase {
  static final H2Xa SHARED = new H2Xa();

  private final String url = "jdbc:h2:" + Path.of("target", "xa-cases", "h2-" + ProcessHandle
      .current().pid()).toAbsolutePath() + ";DB_CLOSE_DELAY=-1";

  private H2Xa() {}

  @Override
  public String name() {
    return "h2";
  }

  @Override
  public XADataSource xaDataSource() {
    return open();
  }

  @Override
  public DataSource dataSource() {
    return open();
  }

  private JdbcDataSource open() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    ds.setUser("sa");
    return ds;
  }

  /** The process dies, and the embedded database with it: prepared branches stay in doubt. */
  @Override
  public void crashClients() throws SQLException {
    try (java.sql.Connection c = open().getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("SHUTDOWN IMMEDIATELY");
    }
  }

  @Override
  public List<String> inDoubt() throws SQLException {
    List<String> found = new ArrayList<>();
    XAConnection xac = open().getXAConnection();
    try {
      Xid[] xids = xac.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
      for (Xid xid : xids == null ? new Xid[0] : xids) {
        if (xid.getFormatId() == JDTM_FORMAT_ID) {
          found.add(XaDatabase.branchAndGid(
              new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII),
              new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII)));
        }
      }
    } catch (XAException e) {
      throw new SQLException("XA recover failed", e);
    } finally {
      xac.close();
    }
    return found;
  }

  @Override
  public String toString() {
    return name();
  }
}

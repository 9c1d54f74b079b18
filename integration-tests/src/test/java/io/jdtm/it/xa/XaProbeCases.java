package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * Driver behaviour all three probed drivers share (questions f, g and h of the probe); each
 * driver's class in {@link XaDriverProbeIT} extends it and adds what is its own.
 */
abstract class XaProbeCases {
  abstract XaProbe probe();

  /** The SQLState of a duplicate primary key on this driver. */
  abstract String duplicateKeySqlState();

  /** What {@code isSameRM} answers for two connections to the same database on this driver. */
  abstract boolean sameResourceManager();

  /**
   * (f) A duplicate key inside an active branch fails the statement; the branch can still be
   * ended with TMFAIL and rolled back, and nothing it wrote stays.
   */
  @Test
  void endFailAndRollback_afterDuplicateKeyInBranch_leaveNothing() throws Exception {
    XaProbe p = probe();
    int existing = p.nextId();
    int inBranch = p.nextId();
    Xid xid = XaProbe.xid(false);
    XAConnection xc = p.open();
    try (Connection c = xc.getConnection()) {
      p.insert(c, existing);
      p.startAndInsert(xc, c, xid, inBranch);
      SQLException duplicate = catchThrowableOfType(SQLException.class,
          () -> p.insert(c, existing));
      assertThat((Throwable) duplicate).isNotNull();
      assertThat(duplicate.getSQLState()).isEqualTo(duplicateKeySqlState());
      xc.getXAResource().end(xid, XAResource.TMFAIL);
      xc.getXAResource().rollback(xid);
      assertThat(c.getAutoCommit()).as("autocommit after the branch").isTrue();
    } finally {
      xc.close();
    }
    assertThat(p.rowExists(inBranch)).isFalse();
    assertThat(p.rowExists(existing)).isTrue();
    assertThat(p.recovered()).doesNotContain(XaProbe.key(xid));
  }

  /**
   * (g) Two branches of one gtrid (different bquals) on two connections at once: both start,
   * insert, end, prepare and commit.
   */
  @Test
  void twoBranchesOfOneGtrid_onTwoConnections_bothCommit() throws Exception {
    XaProbe p = probe();
    Xid first = XaProbe.xid(true);
    Xid second = XaProbe.sibling(first);
    int firstId = p.nextId();
    int secondId = p.nextId();
    XAConnection x1 = p.open();
    XAConnection x2 = p.open();
    try (Connection c1 = x1.getConnection(); Connection c2 = x2.getConnection()) {
      XAResource r1 = x1.getXAResource();
      XAResource r2 = x2.getXAResource();
      r1.start(first, XAResource.TMNOFLAGS);
      r2.start(second, XAResource.TMNOFLAGS);
      p.insert(c1, firstId);
      p.insert(c2, secondId);
      r1.end(first, XAResource.TMSUCCESS);
      r2.end(second, XAResource.TMSUCCESS);
      assertThat(r1.prepare(first)).isEqualTo(XAResource.XA_OK);
      assertThat(r2.prepare(second)).isEqualTo(XAResource.XA_OK);
      assertThat(XaProbe.recovered(r1)).contains(XaProbe.key(first), XaProbe.key(second));
      r1.commit(first, false);
      r2.commit(second, false);
    } finally {
      x1.close();
      x2.close();
    }
    assertThat(p.rowExists(firstId)).isTrue();
    assertThat(p.rowExists(secondId)).isTrue();
  }

  /** (g) Whether the driver says two connections to one database are the same resource manager. */
  @Test
  void isSameRM_twoConnectionsToOneDatabase() throws Exception {
    XAConnection x1 = probe().open();
    XAConnection x2 = probe().open();
    try {
      assertThat(x1.getXAResource().isSameRM(x2.getXAResource()))
          .isEqualTo(sameResourceManager());
    } finally {
      x1.close();
      x2.close();
    }
  }

  /**
   * (h) An XA connection's handle is in autocommit mode outside any branch: DDL and a SELECT
   * work there, and it is back in autocommit after a branch committed.
   */
  @Test
  void handle_outsideBranch_autocommits() throws Exception {
    XaProbe p = probe();
    XAConnection xc = p.open();
    try (Connection c = xc.getConnection(); Statement s = c.createStatement()) {
      assertThat(c.getAutoCommit()).isTrue();
      s.execute("CREATE TABLE xa_probe_ddl (id INT PRIMARY KEY)");
      s.execute("DROP TABLE xa_probe_ddl");
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
      Xid xid = XaProbe.xid(false);
      int id = p.nextId();
      assertThat(p.prepareInsert(xc, c, xid, id)).isEqualTo(XAResource.XA_OK);
      xc.getXAResource().commit(xid, false);
      assertThat(c.getAutoCommit()).isTrue();
      int afterBranch = p.nextId();
      p.insert(c, afterBranch);
      assertThat(p.rowExists(afterBranch)).as("autocommitted after the branch").isTrue();
    } finally {
      xc.close();
    }
  }

  /** Commits {@code xid} from a new connection after checking a recovery scan there lists it. */
  void recoverAndCommitOnNewConnection(Xid xid) throws SQLException, XAException {
    probe().onNewConnection(r -> {
      assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
      r.commit(xid, false);
    });
  }
}

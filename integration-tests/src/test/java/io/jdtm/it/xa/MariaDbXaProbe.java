package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdtm.store.jdbc.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * MariaDB Connector/J's {@code MariaDbDataSource} (an XADataSource) on the shared MariaDB
 * ({@link TestServers#mariadb()}; skipped when missing, failed with {@code CI=true}). The server
 * is shared, so it is never restarted: (d) checks that a prepared branch outlives its client.
 * Run through {@link XaDriverProbeIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MariaDbXaProbe extends DurablePrepareCases {
  private static final String TABLE = "jdtm_xa_probe";
  private MariaDbDataSource dataSource;
  private XaProbe probe;

  @BeforeAll
  void connect() throws Exception {
    TestServers.Server server = TestServers.mariadb();
    dataSource = new MariaDbDataSource(server.url());
    dataSource.setUser(server.user());
    dataSource.setPassword(server.password());
    probe = new XaProbe(dataSource, TABLE);
    probe.rollbackLeftovers();
    probe.createTable();
  }

  @AfterAll
  void dropTable() throws Exception {
    if (probe == null) {
      return;
    }
    probe.rollbackLeftovers();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
    }
  }

  @Override
  XaProbe probe() {
    return probe;
  }

  @Override
  String duplicateKeySqlState() {
    return "23000";
  }

  @Override
  boolean sameResourceManager() {
    return true;
  }

  /**
   * (c) An unknown Xid: commit and rollback fail with XAER_NOTA (server error 1397); a one-phase
   * commit with XAER_INVAL (1398), a prepare with XAER_RMFAIL (1399).
   */
  @Test
  void calls_onUnknownXid_failWithTheirCodes() throws Exception {
    assertThat(probe.failureOnNewConnection(r -> r.commit(XaProbe.xid(false), false)).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
    assertThat(probe.failureOnNewConnection(r -> r.rollback(XaProbe.xid(false))).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
    assertThat(probe.failureOnNewConnection(r -> r.commit(XaProbe.xid(false), true)).errorCode)
        .isEqualTo(XAException.XAER_INVAL);
    assertThat(probe.failureOnNewConnection(r -> r.prepare(XaProbe.xid(false))).errorCode)
        .isEqualTo(XAException.XAER_RMFAIL);
  }

  /** (c) A committed Xid is unknown afterwards: a second commit, or a rollback, is XAER_NOTA. */
  @Test
  void secondCommit_ofCommittedXid_failsWithNota() throws Exception {
    Xid xid = XaProbe.xid(false);
    probe.prepareInsertAndClose(xid, probe.nextId());
    probe.onNewConnection(r -> r.commit(xid, false));
    assertThat(probe.failureOnNewConnection(r -> r.commit(xid, false)).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
    assertThat(probe.failureOnNewConnection(r -> r.rollback(xid)).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
  }

  /**
   * (d) A prepared branch outlives its client dropping the connection without a goodbye
   * ({@code Connection.abort}): a new connection lists it and commits it.
   */
  @Test
  void prepared_survivesClientAbort() throws Exception {
    Xid xid = XaProbe.xid(true);
    int id = probe.nextId();
    XAConnection xc = probe.open();
    long connectionId;
    try {
      Connection c = xc.getConnection();
      connectionId = connectionId(c);
      assertThat(probe.prepareInsert(xc, c, xid, id)).isEqualTo(XAResource.XA_OK);
      c.abort(Runnable::run);
      assertThat(c.isClosed()).isTrue();
    } finally {
      xc.close();
    }
    // The server notices the dropped socket on its own thread: the branch is detached then.
    Awaitility.await("MariaDB to end connection " + connectionId)
        .atMost(Duration.ofSeconds(10))
        .until(() -> !connected(connectionId));

    recoverAndCommitOnNewConnection(xid);
    assertThat(probe.rowExists(id)).isTrue();
  }

  /**
   * (a, d) While the connection that prepared a branch is still open, another connection's scan
   * lists the Xid, yet its commit fails with XAER_NOTA: the branch is still prepared, and the
   * preparing connection commits it.
   */
  @Test
  void commit_fromOtherConnectionWhilePreparerOpen_failsWithNota() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    XAConnection preparer = probe.open();
    try (Connection c = preparer.getConnection()) {
      assertThat(probe.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      assertThat(probe.recovered()).contains(XaProbe.key(xid));
      assertThat(probe.failureOnNewConnection(r -> r.commit(xid, false)).errorCode)
          .isEqualTo(XAException.XAER_NOTA);
      assertThat(probe.recovered()).contains(XaProbe.key(xid));
      preparer.getXAResource().commit(xid, false);
    } finally {
      preparer.close();
    }
    assertThat(probe.rowExists(id)).isTrue();
  }

  private static long connectionId(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private boolean connected(long connectionId) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + connectionId)) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /**
   * (e) A prepared branch keeps its row lock: a plain INSERT of that key blocks, and {@code
   * setQueryTimeout(1)} (sent as max_statement_time) ends it after about a second with a
   * SQLTimeoutException, SQLState 70100, error 1969; the connection stays usable.
   */
  @Test
  void plainInsert_ofKeyHeldByPreparedBranch_endedByQueryTimeout() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    probe.prepareInsertAndClose(xid, id);
    try (Connection c = dataSource.getConnection()) {
      XaProbe.Attempt attempt = probe.insertWithQueryTimeout(c, id, 1);
      assertThat((Throwable) attempt.error()).isInstanceOf(SQLTimeoutException.class);
      assertThat(attempt.error().getSQLState()).isEqualTo("70100");
      assertThat(attempt.error().getErrorCode()).isEqualTo(1969);
      assertThat(attempt.after()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
      assertThat(c.isValid(5)).isTrue();
    } finally {
      probe.onNewConnection(r -> r.rollback(xid));
    }
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (f) A duplicate key inside a branch (SQLIntegrityConstraintViolationException, 23000, error
   * 1062) undoes only that statement: the branch can go on, prepare and commit what it wrote.
   */
  @Test
  void branch_afterDuplicateKey_stillPreparesAndCommits() throws Exception {
    int existing = probe.nextId();
    int inBranch = probe.nextId();
    Xid xid = XaProbe.xid(false);
    XAConnection xc = probe.open();
    try (Connection c = xc.getConnection()) {
      probe.insert(c, existing);
      probe.startAndInsert(xc, c, xid, inBranch);
      SQLException duplicate = catchThrowableOfType(SQLException.class,
          () -> probe.insert(c, existing));
      assertThat((Throwable) duplicate)
          .isInstanceOf(SQLIntegrityConstraintViolationException.class);
      assertThat(duplicate.getErrorCode()).isEqualTo(1062);
      xc.getXAResource().end(xid, XAResource.TMSUCCESS);
      assertThat(xc.getXAResource().prepare(xid)).isEqualTo(XAResource.XA_OK);
      xc.getXAResource().commit(xid, false);
    } finally {
      xc.close();
    }
    assertThat(probe.rowExists(inBranch)).isTrue();
  }
}

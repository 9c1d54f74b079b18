package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbc.JdbcSQLTimeoutException;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.DeleteDbFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * H2 2.x's {@code JdbcDataSource} (an XADataSource) on a file database under {@code
 * target/xaprobe/}. Unlike the servers, H2 rolls a prepared branch back when the session that
 * prepared it closes; only a database closed under it (SHUTDOWN, a crash) keeps it in doubt.
 * An anchor connection keeps the database open between the steps of a test; it is shut down
 * after each. Run through {@link XaDriverProbeIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class H2XaProbe extends XaProbeCases {
  private static final String DIR = "./target/xaprobe";
  /** H2's "transaction not found" (also for an Xid it rolled back). */
  private static final int TRANSACTION_NOT_FOUND = 90129;
  private static final int ADMIN_RIGHTS_REQUIRED = 90040;
  private XaProbe probe;
  private Connection anchor;

  @BeforeAll
  void createDatabase() throws SQLException {
    DeleteDbFiles.execute(DIR, null, true);
    openAnchor();
    probe = new XaProbe(dataSource("db", "sa", ""), "xa_probe");
    probe.createTable();
    try (Statement s = anchor.createStatement()) {
      s.execute("CREATE USER app PASSWORD 'app'");
      s.execute("GRANT SELECT, INSERT ON xa_probe TO app");
    }
  }

  @AfterAll
  void closeDatabase() throws SQLException {
    if (anchor != null) {
      anchor.close();
    }
  }

  /**
   * Shuts the database down after each test, which must succeed, and reopens it: with Java
   * assertions on, H2 can fail its own store assertion on close after some XA sequences (see
   * {@link #close_afterCommitFromOtherSessionAndAWrite_failsH2Assertion}); each test here leaves
   * a database that closes cleanly, and the next starts on a reopened one.
   */
  @AfterEach
  void shutdownCleanly() throws SQLException {
    try (Statement s = anchor.createStatement()) {
      s.execute("SHUTDOWN");
    }
    anchor.close();
    openAnchor();
  }

  private void openAnchor() throws SQLException {
    anchor = dataSource("db", "sa", "").getConnection();
  }

  /** A new data source on the file database {@code target/xaprobe/<db>}. */
  private static JdbcDataSource dataSource(String db, String user, String password) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:" + DIR + "/" + db);
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  @Override
  XaProbe probe() {
    return probe;
  }

  @Override
  String duplicateKeySqlState() {
    return "23505";
  }

  @Override
  boolean sameResourceManager() {
    return false;
  }

  private static void assertTransactionNotFound(XAException e) {
    assertThat(e.errorCode).as("H2 sets no XA error code").isZero();
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(TRANSACTION_NOT_FOUND);
  }

  /**
   * (a) Prepared, then its XAConnection closed: H2 rolled the branch back. No scan lists it, a
   * commit from a new connection fails (errorCode 0, cause 90129) and the row is absent.
   */
  @Test
  void prepared_connectionClosed_rolledBack() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    probe.prepareInsertAndClose(xid, id);
    assertThat(probe.recovered()).doesNotContain(XaProbe.key(xid));
    assertTransactionNotFound(probe.failureOnNewConnection(r -> r.commit(xid, false)));
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (a, i) Prepared on a connection still open: another session's scan lists it intact and
   * commits it. The preparer's handle is left in manual-commit mode (autocommit false). On a
   * database of its own: see {@link #close_afterCommitFromOtherSessionAndAWrite_failsH2Assertion}.
   */
  @ParameterizedTest(name = "punctuated={0}")
  @ValueSource(booleans = {false, true})
  void commit_fromNewConnectionWhilePreparerOpen_rowVisible(boolean punctuated)
      throws Exception {
    XaProbe own = new XaProbe(dataSource("commit-" + punctuated, "sa", ""), "xa_probe");
    own.createTable();
    Xid xid = XaProbe.xid(punctuated);
    int id = own.nextId();
    XAConnection preparer = own.open();
    try (Connection c = preparer.getConnection()) {
      assertThat(own.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      own.onNewConnection(r -> {
        assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
        r.commit(xid, false);
      });
      assertThat(own.rowExists(id)).isTrue();
      assertThat(c.getAutoCommit()).isFalse();
    } finally {
      preparer.close();
    }
  }

  /** (b) Rolled back from another session while the preparer is open: the row is absent. */
  @Test
  void rollback_fromNewConnectionWhilePreparerOpen_rowAbsent() throws Exception {
    Xid xid = XaProbe.xid(true);
    int id = probe.nextId();
    XAConnection preparer = probe.open();
    try (Connection c = preparer.getConnection()) {
      assertThat(probe.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      probe.onNewConnection(r -> {
        assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
        r.rollback(xid);
      });
    } finally {
      preparer.close();
    }
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (c) H2 gives no XA error codes: committing an unknown or already committed Xid throws an
   * XAException with errorCode 0 (cause: 90129); rolling back an unknown Xid returns normally.
   */
  @Test
  void calls_onUnknownOrCommittedXid() throws Exception {
    assertTransactionNotFound(
        probe.failureOnNewConnection(r -> r.commit(XaProbe.xid(false), false)));
    probe.onNewConnection(r -> r.rollback(XaProbe.xid(false)));

    Xid xid = XaProbe.xid(false);
    XAConnection preparer = probe.open();
    try (Connection c = preparer.getConnection()) {
      probe.prepareInsert(preparer, c, xid, probe.nextId());
      preparer.getXAResource().commit(xid, false);
    } finally {
      preparer.close();
    }
    assertTransactionNotFound(probe.failureOnNewConnection(r -> r.commit(xid, false)));
    probe.onNewConnection(r -> r.rollback(xid));
  }

  /**
   * (d) SHUTDOWN of the database while a prepared branch's connection is open keeps the branch:
   * reopened from a new data source, a scan lists it and it commits. On a database of its own.
   */
  @Test
  void prepared_survivesShutdownAndReopen() throws Exception {
    XaProbe restart = new XaProbe(dataSource("restart", "sa", ""), "xa_probe");
    restart.createTable();
    Xid xid = XaProbe.xid(true);
    int id = restart.nextId();
    XAConnection preparer = restart.open();
    assertThat(restart.prepareInsert(preparer, preparer.getConnection(), xid, id))
        .isEqualTo(XAResource.XA_OK);
    shutdown("restart");
    preparer.close();

    XaProbe reopened = new XaProbe(dataSource("restart", "sa", ""), "xa_probe");
    reopened.onNewConnection(r -> {
      assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
      r.commit(xid, false);
    });
    assertThat(reopened.rowExists(id)).isTrue();
  }

  private static void shutdown(String db) throws SQLException {
    try (Connection c = dataSource(db, "sa", "").getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }

  /**
   * (i) Once another session committed a prepared branch, any later write makes closing the
   * database fail H2's own assertion ("n != m" in MVStore.closeStore) when Java assertions are on
   * for H2's classes, as under failsafe; without them it closes and every row is there. A
   * rollback by another session, or a commit by the preparer, does not do this.
   */
  @Test
  void close_afterCommitFromOtherSessionAndAWrite_failsH2Assertion() throws Exception {
    assumeTrue(org.h2.Driver.class.desiredAssertionStatus(), "H2 runs without assertions");
    XaProbe asserts = new XaProbe(dataSource("asserts", "sa", ""), "xa_probe");
    asserts.createTable();
    Xid xid = XaProbe.xid(false);
    XAConnection preparer = asserts.open();
    try (Connection keepOpen = dataSource("asserts", "sa", "").getConnection()) {
      try {
        asserts.prepareInsert(preparer, preparer.getConnection(), xid, asserts.nextId());
        asserts.onNewConnection(r -> r.commit(xid, false));
      } finally {
        preparer.close();
      }
      asserts.insert(keepOpen, asserts.nextId());
      SQLException failed = catchThrowableOfType(SQLException.class, () -> shutdown("asserts"));
      assertThat((Throwable) failed).isNotNull();
      assertThat(failed.getCause()).hasCauseInstanceOf(AssertionError.class);
    }
  }

  /**
   * (d) Closing every connection closes the database (DB_CLOSE_DELAY 0) and, as any session
   * close, rolls the prepared branch back: after reopening nothing is listed.
   */
  @Test
  void prepared_lastConnectionClosed_rolledBack() throws Exception {
    anchor.close();
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    probe.prepareInsertAndClose(xid, id);
    openAnchor();
    assertThat(probe.recovered()).doesNotContain(XaProbe.key(xid));
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (e) A prepared branch keeps its row lock. The blocked INSERT ignores {@code
   * setQueryTimeout(1)}: it fails on H2's LOCK_TIMEOUT (here 1.5 s) with a
   * JdbcSQLTimeoutException, SQLState HYT00, error 50200, not before that timeout.
   */
  @Test
  void plainInsert_ofKeyHeldByPreparedBranch_failsOnLockTimeout() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    XAConnection preparer = probe.open();
    try (Connection c = preparer.getConnection();
        Connection plain = dataSource("db", "sa", "").getConnection()) {
      assertThat(probe.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      try (Statement s = plain.createStatement()) {
        s.execute("SET LOCK_TIMEOUT 1500");
      }
      XaProbe.Attempt attempt = probe.insertWithQueryTimeout(plain, id, 1);
      assertThat((Throwable) attempt.error()).isInstanceOf(JdbcSQLTimeoutException.class);
      assertThat(attempt.error().getSQLState()).isEqualTo("HYT00");
      assertThat(attempt.error().getErrorCode()).isEqualTo(50200);
      assertThat(attempt.after()).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
      preparer.getXAResource().rollback(xid);
    } finally {
      preparer.close();
    }
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (f) A duplicate key inside a branch (JdbcSQLIntegrityConstraintViolationException, 23505)
   * undoes only that statement: the branch can go on, prepare and commit what it wrote.
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
      assertThat(catchThrowableOfType(SQLException.class, () -> probe.insert(c, existing))
          .getSQLState()).isEqualTo("23505");
      xc.getXAResource().end(xid, XAResource.TMSUCCESS);
      assertThat(xc.getXAResource().prepare(xid)).isEqualTo(XAResource.XA_OK);
      xc.getXAResource().commit(xid, false);
    } finally {
      xc.close();
    }
    assertThat(probe.rowExists(inBranch)).isTrue();
  }

  /**
   * (i) Recovery needs admin rights, and says nothing when it lacks them: a non-admin user's scan
   * lists no Xid while an admin's lists the prepared one; the non-admin's commit is refused
   * (errorCode 0, cause 90040).
   */
  @Test
  void recoverAndCommit_asNonAdmin_seeNothingAndAreRefused() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    XAConnection preparer = probe.open();
    XAConnection app = dataSource("db", "app", "app").getXAConnection();
    try (Connection c = preparer.getConnection()) {
      assertThat(probe.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      assertThat(XaProbe.recovered(app.getXAResource())).isEmpty();
      assertThat(probe.recovered()).contains(XaProbe.key(xid));
      XAException refused = catchThrowableOfType(XAException.class,
          () -> app.getXAResource().commit(xid, false));
      assertThat(refused.errorCode).isZero();
      assertThat(((SQLException) refused.getCause()).getErrorCode())
          .isEqualTo(ADMIN_RIGHTS_REQUIRED);
      preparer.getXAResource().rollback(xid);
    } finally {
      app.close();
      preparer.close();
    }
  }
}

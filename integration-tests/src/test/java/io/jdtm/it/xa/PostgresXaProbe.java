package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.util.PSQLException;

/**
 * pgjdbc's {@code PGXADataSource} on a private PostgreSQL 15 ({@link XaPostgres}, {@code
 * max_prepared_transactions=20}). Run through {@link XaDriverProbeIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresXaProbe extends DurablePrepareCases {
  private XaPostgres server;
  private XaProbe probe;

  @BeforeAll
  void startServer() throws SQLException {
    server = XaPostgres.start();
    probe = new XaProbe(server.xaDataSource(), "xa_probe");
    probe.createTable();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
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

  /** (c) An unknown Xid: commit and rollback fail with XAER_NOTA. */
  @Test
  void commitAndRollback_ofUnknownXid_failWithNota() throws Exception {
    assertThat(probe.failureOnNewConnection(r -> r.commit(XaProbe.xid(false), false)).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
    assertThat(probe.failureOnNewConnection(r -> r.rollback(XaProbe.xid(false))).errorCode)
        .isEqualTo(XAException.XAER_NOTA);
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
   * (a, d) PREPARE TRANSACTION detaches the branch from its session: another connection commits
   * it while the preparing connection is still open, which then autocommits again.
   */
  @Test
  void commit_fromOtherConnectionWhilePreparerOpen_works() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    XAConnection preparer = probe.open();
    try (Connection c = preparer.getConnection()) {
      assertThat(probe.prepareInsert(preparer, c, xid, id)).isEqualTo(XAResource.XA_OK);
      recoverAndCommitOnNewConnection(xid);
      assertThat(probe.rowExists(id)).isTrue();
      assertThat(c.getAutoCommit()).isTrue();
    } finally {
      preparer.close();
    }
  }

  /**
   * (d) A branch prepared and closed, and one prepared on a connection still open, both survive
   * a SIGKILL of the postmaster: after the restart a recovery scan lists them and commits them.
   */
  @Test
  void prepared_survivesKillNineAndRestart() throws Exception {
    Xid closed = XaProbe.xid(false);
    int closedId = probe.nextId();
    probe.prepareInsertAndClose(closed, closedId);
    Xid held = XaProbe.xid(true);
    int heldId = probe.nextId();
    XAConnection holder = probe.open();
    assertThat(probe.prepareInsert(holder, holder.getConnection(), held, heldId))
        .isEqualTo(XAResource.XA_OK);

    server.kill();
    server.restart();
    holder.close();

    recoverAndCommitOnNewConnection(closed);
    recoverAndCommitOnNewConnection(held);
    assertThat(probe.rowExists(closedId)).isTrue();
    assertThat(probe.rowExists(heldId)).isTrue();
  }

  /**
   * (e) A prepared branch keeps its row lock: a plain INSERT of that key blocks, and {@code
   * setQueryTimeout(1)} cancels it after about a second with SQLState 57014
   * (query_canceled); the connection stays usable.
   */
  @Test
  void plainInsert_ofKeyHeldByPreparedBranch_cancelledByQueryTimeout() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    probe.prepareInsertAndClose(xid, id);
    try (Connection c = server.dataSource().getConnection()) {
      XaProbe.Attempt attempt = probe.insertWithQueryTimeout(c, id, 1);
      assertThat((Throwable) attempt.error()).isInstanceOf(PSQLException.class);
      assertThat(attempt.error().getSQLState()).isEqualTo("57014");
      assertThat(attempt.after()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
      assertThat(c.isValid(5)).isTrue();
      assertThat(c.getAutoCommit()).isTrue();
    } finally {
      probe.onNewConnection(r -> r.rollback(xid));
    }
    assertThat(probe.rowExists(id)).isFalse();
  }

  /**
   * (f) A trap: after a statement failed inside the branch, PostgreSQL's transaction is aborted
   * (later statements get 25P02) and PREPARE TRANSACTION rolls it back instead of preparing it,
   * yet pgjdbc's {@code prepare} answers XA_OK. Nothing is prepared: the Xid is not listed, a
   * commit on the same connection fails with XAER_RMERR, from another with XAER_NOTA.
   */
  @Test
  void prepare_afterErrorInBranch_answersOkButPreparesNothing() throws Exception {
    int existing = probe.nextId();
    int inBranch = probe.nextId();
    Xid xid = XaProbe.xid(false);
    XAConnection xc = probe.open();
    try (Connection c = xc.getConnection()) {
      probe.insert(c, existing);
      probe.startAndInsert(xc, c, xid, inBranch);
      assertThat(catchThrowableOfType(SQLException.class, () -> probe.insert(c, existing))
          .getSQLState()).isEqualTo("23505");
      assertThat(catchThrowableOfType(SQLException.class, () -> probe.insert(c, probe.nextId()))
          .getSQLState()).isEqualTo("25P02");
      xc.getXAResource().end(xid, XAResource.TMSUCCESS);
      assertThat(xc.getXAResource().prepare(xid)).isEqualTo(XAResource.XA_OK);

      assertThat(probe.recovered()).doesNotContain(XaProbe.key(xid));
      assertThat(catchThrowableOfType(XAException.class,
          () -> xc.getXAResource().commit(xid, false)).errorCode)
          .isEqualTo(XAException.XAER_RMERR);
      assertThat(probe.failureOnNewConnection(r -> r.commit(xid, false)).errorCode)
          .isEqualTo(XAException.XAER_NOTA);
    } finally {
      xc.close();
    }
    assertThat(probe.rowExists(inBranch)).isFalse();
  }

  /**
   * (f) pgjdbc ignores TMFAIL: a branch ended with TMFAIL (no error in it) still prepares, and is
   * then listed until rolled back.
   */
  @Test
  void prepare_afterEndWithTmFail_preparesAnyway() throws Exception {
    Xid xid = XaProbe.xid(false);
    int id = probe.nextId();
    XAConnection xc = probe.open();
    try (Connection c = xc.getConnection()) {
      probe.startAndInsert(xc, c, xid, id);
      xc.getXAResource().end(xid, XAResource.TMFAIL);
      assertThat(xc.getXAResource().prepare(xid)).isEqualTo(XAResource.XA_OK);
    } finally {
      xc.close();
    }
    probe.onNewConnection(r -> {
      assertThat(XaProbe.recovered(r)).contains(XaProbe.key(xid));
      r.rollback(xid);
    });
    assertThat(probe.rowExists(id)).isFalse();
  }
}

package io.jdtm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.sim.SimXaDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** The simulation's XA database model: the XA protocol as databases answer it, and the engine. */
class SimXaDatabaseTest {
  private static final String INSERT = "INSERT INTO jdtm_barrier (trans_type, gid, branch_id, op,"
      + " barrier_id, reason, created_at) VALUES ('xa', ?, ?, 'action', ?, ?, ?)";

  private final SimXaDatabase db = new SimXaDatabase("db");

  private static Xid xid(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    return new Xid() {
      @Override
      public int getFormatId() {
        return 7;
      }

      @Override
      public byte[] getGlobalTransactionId() {
        return bytes;
      }

      @Override
      public byte[] getBranchQualifier() {
        return new byte[0];
      }
    };
  }

  private static void insertRow(Connection c, String gid, String reason) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, gid);
      ps.setString(2, "01");
      ps.setString(3, "1");
      ps.setString(4, reason);
      ps.setLong(5, 0);
      ps.executeUpdate();
    }
  }

  /** Starts a branch, writes its row and a credit, ends and prepares it, closes the connection. */
  private void prepareBranch(Xid xid, String gid, long amount) throws Exception {
    XAConnection xac = db.dataSource().getXAConnection();
    XAResource r = xac.getXAResource();
    r.start(xid, XAResource.TMNOFLAGS);
    insertRow(xac.getConnection(), gid, "action");
    SimXaDatabase.credit(xac.getConnection(), "a", amount);
    r.end(xid, XAResource.TMSUCCESS);
    assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
    xac.close();
  }

  private static int code(XaCall call) {
    return catchThrowableOfType(XAException.class, call::run).errorCode;
  }

  @FunctionalInterface
  private interface XaCall {
    void run() throws Exception;
  }

  @Test
  void preparedBranch_survivesItsConnection_writesVisibleOnlyOnceCommitted() throws Exception {
    Xid xid = xid("g1");
    prepareBranch(xid, "g1", 40);

    assertThat(db.balance("a")).isZero();
    assertThat(db.inDoubt()).hasSize(1);
    XAResource other = db.dataSource().getXAConnection().getXAResource();
    assertThat(other.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).containsExactly(xid);
    other.commit(xid, false);

    assertThat(db.balance("a")).isEqualTo(40);
    assertThat(db.barrierRow("jdtm_barrier", "g1", "01")).contains("action");
    assertThat(db.inDoubt()).isEmpty();
    assertThat(code(() -> other.commit(xid, false))).isEqualTo(XAException.XAER_NOTA);
  }

  @Test
  void activeBranch_rolledBackWhenItsConnectionCloses_invisibleToOthersMeanwhile()
      throws Exception {
    Xid xid = xid("g2");
    XAConnection xac = db.dataSource().getXAConnection();
    XAResource r = xac.getXAResource();
    r.start(xid, XAResource.TMNOFLAGS);
    SimXaDatabase.credit(xac.getConnection(), "a", 5);
    XAResource other = db.dataSource().getXAConnection().getXAResource();

    assertThat(code(() -> r.start(xid, XAResource.TMNOFLAGS))).isEqualTo(XAException.XAER_PROTO);
    assertThat(code(() -> other.start(xid, XAResource.TMNOFLAGS)))
        .isEqualTo(XAException.XAER_DUPID);
    assertThat(code(() -> r.prepare(xid))).isEqualTo(XAException.XAER_PROTO);
    assertThat(code(() -> other.rollback(xid))).isEqualTo(XAException.XAER_NOTA);
    assertThat(db.open()).hasSize(1);
    xac.close();

    assertThat(db.open()).isEmpty();
    assertThat(db.balance("a")).isZero();
    assertThat(code(() -> other.rollback(xid))).isEqualTo(XAException.XAER_NOTA);
  }

  @Test
  void barrierInsert_heldByAPreparedBranchTimesOut_thenDuplicateOnceCommitted() throws Exception {
    Xid xid = xid("g3");
    prepareBranch(xid, "g3", 1);
    Connection c = db.dataSource().getXAConnection().getConnection();

    assertThatThrownBy(() -> insertRow(c, "g3", "rollback"))
        .isInstanceOf(SQLTimeoutException.class);
    db.dataSource().getXAConnection().getXAResource().commit(xid, false);
    assertThat(catchThrowableOfType(SQLException.class, () -> insertRow(c, "g3", "rollback"))
        .getSQLState()).isEqualTo("23505");
  }

  @Test
  void endFail_prepareAnswersRollback() throws Exception {
    Xid xid = xid("g4");
    XAResource r = db.dataSource().getXAConnection().getXAResource();
    r.start(xid, XAResource.TMNOFLAGS);
    r.end(xid, XAResource.TMFAIL);

    assertThat(code(() -> r.prepare(xid))).isEqualTo(XAException.XA_RBROLLBACK);
    assertThat(db.open()).isEmpty();
  }

  @Test
  void engine_commitsBothBranches_andRollsBackARefusedTransaction() {
    SimXaDatabase other = new SimXaDatabase("other");
    TransactionManager tm = TransactionManager.builder().store(new MapStore())
        .executor(Runnable::run).xaResource("db", db.dataSource())
        .xaResource("other", other.dataSource()).build();
    try {
      String ok = tm.xa(xa -> {
        xa.branch("db", c -> credit(c, "x", 10));
        xa.branch("other", c -> credit(c, "y", -10));
      });
      catchThrowableOfType(RuntimeException.class, () -> tm.xa("refused", xa -> {
        xa.branch("db", c -> credit(c, "z", 3));
        xa.branch("other", c -> Outcome.failure("no"));
      }));

      assertThat(tm.await(ok, Duration.ofSeconds(5)).status()).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(tm.await("refused", Duration.ofSeconds(5)).status()).isEqualTo(TxStatus.FAILED);
      assertThat(db.balance("x")).isEqualTo(10);
      assertThat(other.balance("y")).isEqualTo(-10);
      assertThat(db.balance("z")).isZero();
      assertThat(db.barrierRow("jdtm_barrier", "refused", "01")).contains("rollback");
      assertThat(db.inDoubt()).isEmpty();
      assertThat(other.inDoubt()).isEmpty();
    } finally {
      tm.close();
    }
  }

  private static Outcome credit(Connection c, String account, long amount) throws SQLException {
    SimXaDatabase.credit(c, account, amount);
    return Outcome.success();
  }
}

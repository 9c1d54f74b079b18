package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchFailedException;
import io.jdtm.JdtmException;
import io.jdtm.Outcome;
import io.jdtm.RecoveryPass;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.XaRecovery;
import io.jdtm.store.jdbc.TestServers;
import io.jdtm.store.memory.MemoryStore;
import io.jdtm.testkit.ManualClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * One global XA transaction with a branch on PostgreSQL ({@link XaPostgres}, a private server
 * with prepared transactions enabled) and a branch on MariaDB (the shared server): both commit,
 * or a branch that fails after the other database prepared its branch rolls that branch back, or
 * a body that throws after both prepared rolls both back; and afterwards nothing of the
 * transaction is in doubt on either database. In-process: a memory store, a manual clock, and
 * the manager's work on the calling thread, so {@code execute} returns when phase two is done.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not waits
class XaCrossDatabaseIT {
  private static final String PG = "pg";
  private static final String MARIA = "maria";
  private static final AtomicInteger GIDS = new AtomicInteger();

  private XaPostgres pgServer;
  private MariaDbDataSource maria;
  private String tag;
  private XaRows pgRows;
  private XaRows mariaRows;
  private ManualClock clock;
  private MemoryStore store;
  private TransactionManager tm;

  @BeforeAll
  void startServers() throws Exception {
    TestServers.Server server = TestServers.mariadb();
    maria = new MariaDbDataSource(server.url());
    maria.setUser(server.user());
    maria.setPassword(server.password());
    pgServer = XaPostgres.start();
    byte[] id = new byte[4];
    new Random().nextBytes(id);
    tag = "xc" + HexFormat.of().formatHex(id);
    pgRows = new XaRows(pgServer.dataSource(), tag + "_");
    mariaRows = new XaRows(maria, tag + "_");
    pgRows.create();
    mariaRows.create();
  }

  @AfterAll
  void stopServers() throws Exception {
    if (mariaRows != null) {
      PreparedXids.rollBack(maria, tag);
      mariaRows.drop();
    }
    if (pgServer != null) {
      pgServer.close();
    }
  }

  @BeforeEach
  void newManager() {
    clock = new ManualClock();
    store = new MemoryStore();
    tm = newManager(clock, store);
  }

  /** Closes the manager; rolls back what a failed test left prepared, so no other test waits. */
  @AfterEach
  void closeManager() throws Exception {
    tm.close();
    store.close();
    PreparedXids.rollBack(pgServer.xaDataSource(), tag);
    PreparedXids.rollBack(maria, tag);
  }

  private TransactionManager newManager(ManualClock time, MemoryStore on) {
    return TransactionManager.builder()
        .store(on)
        .clock(time)
        .executor(Runnable::run)
        .xaResource(PG, pgServer.xaDataSource(), tag + "_")
        .xaResource(MARIA, maria, tag + "_")
        .random(new Random(42))
        .shutdownTimeout(Duration.ZERO)
        .build();
  }

  @Test
  void branchesOnBothDatabases_bodyReturns_bothCommit() throws Exception {
    String gid = gid();

    tm.xa(gid).execute(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, gid));
      xa.branch(PG, c -> pgRows.insert(c, gid));
    });

    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(mariaRows.exists(gid)).isTrue();
    assertThat(pgRows.exists(gid)).isTrue();
    assertThat(mariaRows.barrierReason(gid, "01")).contains("action");
    assertThat(pgRows.barrierReason(gid, "02")).contains("action");
    assertNothingInDoubt(gid);
  }

  @Test
  void failureOnPostgres_afterMariaDbPrepared_rollsBackTheMariaDbBranch() throws Exception {
    String gid = gid();

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, gid));
      assertThat(prepared(gid)).as("prepared before the second branch")
          .containsExactly("01/" + gid);
      xa.branch(PG, c -> {
        pgRows.insert(c, gid);
        return Outcome.failure("refused by the PostgreSQL bank");
      });
    })).isInstanceOf(BranchFailedException.class).hasMessageContaining("refused");

    assertRolledBack(gid);
  }

  @Test
  void failureOnMariaDb_afterPostgresPrepared_rollsBackThePostgresBranch() throws Exception {
    String gid = gid();

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(PG, c -> pgRows.insert(c, gid));
      assertThat(prepared(gid)).as("prepared before the second branch")
          .containsExactly("01/" + gid);
      xa.branch(MARIA, c -> {
        mariaRows.insert(c, gid);
        return Outcome.failure("refused by the MariaDB bank");
      });
    })).isInstanceOf(BranchFailedException.class).hasMessageContaining("refused");

    assertRolledBack(gid);
  }

  /**
   * A statement failing on PostgreSQL aborts its whole transaction, and a prepare would then
   * answer XA_OK although nothing is left to commit: the engine must see that the branch lost its
   * work even though the work caught the error and answered SUCCESS.
   */
  @Test
  void failedStatementOnPostgresCaughtByWork_afterMariaDbPrepared_rollsBackBoth()
      throws Exception {
    String gid = gid();
    String taken = gid + "-taken";
    pgRows.insertCommitted(taken);

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, gid));
      xa.branch(PG, c -> {
        pgRows.insert(c, gid);
        try {
          pgRows.insert(c, taken);
        } catch (SQLException duplicate) {
          // swallowed: PostgreSQL has aborted the transaction anyway
        }
        return Outcome.success();
      });
    })).isInstanceOf(JdtmException.class).hasMessageContaining("lost its transaction");

    assertRolledBack(gid);
  }

  @Test
  void bodyThrowing_afterBothPrepared_rollsBackBoth() throws Exception {
    String gid = gid();

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, gid));
      xa.branch(PG, c -> pgRows.insert(c, gid));
      assertThat(prepared(gid)).as("prepared when the body throws")
          .containsExactlyInAnyOrder("01/" + gid, "02/" + gid);
      throw new IllegalStateException("the body gives up after both branches prepared");
    })).isInstanceOf(IllegalStateException.class).hasMessageContaining("gives up");

    assertRolledBack(gid);
  }

  /**
   * A generated gid (26 characters) with a branch on MariaDB: MariaDB Connector/J writes an empty
   * branch qualifier as {@code 0x} in {@code XA START}, a syntax error, so jdtm's qualifier is
   * never empty.
   */
  @Test
  void generatedGidWithMariaDbBranch_commits() throws Exception {
    String gid = tm.xa(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, xa.gid()));
      xa.branch(PG, c -> pgRows.insert(c, xa.gid()));
    });

    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(mariaRows.exists(gid)).isTrue();
    assertNothingInDoubt(gid);
  }

  /**
   * A second manager (another instance, or this one restarted) rolls back the PostgreSQL branch
   * of a transaction whose body never finished once it timed out. PostgreSQL's {@code CREATE INDEX
   * IF NOT EXISTS} takes a SHARE lock on the barrier table even when the index exists, which
   * would wait for the prepared branch's ROW EXCLUSIVE lock: jdtm only reads a barrier table that
   * is there.
   */
  @Test
  void secondManager_rollsBackATimedOutPreparedBranch_withoutWaitingOnTheBarrierTable()
      throws Exception {
    String gid = gid();
    CountDownLatch prepared = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<String> body = CompletableFuture.supplyAsync(() -> tm.xa(gid).execute(xa -> {
      xa.branch(PG, c -> pgRows.insert(c, gid));
      prepared.countDown();
      finish.await(); // the instance hangs (or died) with its branch prepared
    }));
    try (TransactionManager second = newManager(clock, store)) {
      assertThat(prepared.await(30, TimeUnit.SECONDS)).isTrue();
      clock.advance(Duration.ofMinutes(2)); // past the lease and the prepared timeout

      CompletableFuture<RecoveryPass> pass = CompletableFuture.supplyAsync(
          second::runRecoveryPass);
      try {
        assertThat(pass).as(() -> "the second manager's recovery pass; waiting on locks in "
            + "PostgreSQL: " + lockWaits()).succeedsWithin(Duration.ofSeconds(20));
        assertThat(status(gid)).as(() -> String.valueOf(second.find(gid)))
            .isEqualTo(TxStatus.FAILED);
        assertThat(prepared(gid)).isEmpty();
      } finally {
        PreparedXids.rollBack(pgServer.xaDataSource(), gid); // unblocks a waiting pass
        pass.get(30, TimeUnit.SECONDS);
      }
    } finally {
      finish.countDown();
      assertThat(body).failsWithin(Duration.ofSeconds(30));
    }
  }

  /**
   * The PostgreSQL server crashes (SIGKILL) after both branches prepared and comes back before
   * the body returns: the branch survived, and the connection held since its prepare died with
   * the server; phase two drops that connection and commits on a fresh one.
   */
  @Test
  void postgresCrashAfterBothPrepared_bothCommitOnceServerIsBack()
      throws Exception {
    String gid = gid();

    tm.xa(gid).execute(xa -> {
      xa.branch(MARIA, c -> mariaRows.insert(c, gid));
      xa.branch(PG, c -> pgRows.insert(c, gid));
      pgServer.kill();
      pgServer.restart();
      assertThat(prepared(gid)).as("prepared after the crash")
          .containsExactlyInAnyOrder("01/" + gid, "02/" + gid);
    });
    for (int pass = 0; pass < 5 && status(gid) != TxStatus.SUCCEEDED; pass++) {
      clock.advance(Duration.ofMinutes(10));
      tm.runRecoveryPass();
    }

    assertThat(status(gid)).as(() -> String.valueOf(tm.find(gid)))
        .isEqualTo(TxStatus.SUCCEEDED);
    assertThat(mariaRows.exists(gid)).isTrue();
    assertThat(pgRows.exists(gid)).isTrue();
    assertNothingInDoubt(gid);
  }

  private void assertRolledBack(String gid) throws Exception {
    assertThat(status(gid)).as(() -> String.valueOf(tm.find(gid))).isEqualTo(TxStatus.FAILED);
    assertThat(mariaRows.exists(gid)).as("MariaDB row").isFalse();
    assertThat(pgRows.exists(gid)).as("PostgreSQL row").isFalse();
    assertThat(Stream.of(mariaRows.barrierReason(gid, "01"), mariaRows.barrierReason(gid, "02"),
        pgRows.barrierReason(gid, "01"), pgRows.barrierReason(gid, "02")).flatMap(List::stream))
        .as("barrier rows of both branches").containsExactly("rollback", "rollback");
    assertNothingInDoubt(gid);
  }

  private void assertNothingInDoubt(String gid) throws Exception {
    assertThat(prepared(gid)).as("branches of %s prepared on either database", gid).isEmpty();
    XaRecovery scan = tm.recoverXa();
    assertThat(Stream.of(scan.committed(), scan.rolledBack(), scan.left()).flatMap(List::stream)
        .filter(e -> e.contains(gid))).as("in-doubt scan").isEmpty();
  }

  /** Branches of {@code gid} prepared on PostgreSQL and on MariaDB, as {@code <branch>/<gid>}. */
  private List<String> prepared(String gid) throws SQLException {
    try (Connection p = pgServer.dataSource().getConnection();
        Connection m = maria.getConnection()) {
      return Stream.concat(PreparedXids.onPostgres(p, gid).stream(),
          PreparedXids.onMariaDb(m, gid).stream()).toList();
    }
  }

  /** The statements of sessions waiting for a lock on the PostgreSQL server. */
  private List<String> lockWaits() {
    try (Connection c = pgServer.dataSource().getConnection(); var s = c.createStatement();
        var rs = s.executeQuery("SELECT query FROM pg_stat_activity WHERE wait_event_type = "
            + "'Lock'")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      return List.of("(cannot tell: " + e + ")");
    }
  }

  private TxStatus status(String gid) {
    return store.load(gid).orElseThrow().status();
  }

  private String gid() {
    // Long, so that the Xid's branch qualifier is not empty (see the MariaDB test below); of one
    // length, so that none is a prefix of another.
    return String.format("%s-%04d-%s", tag, GIDS.incrementAndGet(), "p".repeat(60));
  }

  /** A table of gids in one database, and the barrier table jdtm keeps beside it. */
  private record XaRows(DataSource dataSource, String prefix) {
    String table() {
      return prefix + "row";
    }

    void create() throws SQLException {
      try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
        s.execute("CREATE TABLE " + table() + " (gid VARCHAR(128) PRIMARY KEY)");
      }
    }

    Outcome insert(Connection c, String gid) throws SQLException {
      try (var s = c.prepareStatement("INSERT INTO " + table() + " (gid) VALUES (?)")) {
        s.setString(1, gid);
        s.executeUpdate();
      }
      return Outcome.success();
    }

    void insertCommitted(String gid) throws SQLException {
      try (Connection c = dataSource.getConnection()) {
        insert(c, gid);
      }
    }

    boolean exists(String gid) throws SQLException {
      return !select("SELECT gid FROM " + table() + " WHERE gid = ?", gid).isEmpty();
    }

    /** The reason of the branch's barrier row, if it has one. */
    List<String> barrierReason(String gid, String branchId) throws SQLException {
      return select("SELECT reason FROM " + prefix + "barrier WHERE trans_type = 'xa' AND gid = ?"
          + " AND branch_id = '" + branchId + "'", gid);
    }

    private List<String> select(String sql, String gid) throws SQLException {
      try (Connection c = dataSource.getConnection(); var s = c.prepareStatement(sql)) {
        s.setString(1, gid);
        try (var rs = s.executeQuery()) {
          List<String> out = new ArrayList<>();
          while (rs.next()) {
            out.add(rs.getString(1));
          }
          return out;
        }
      }
    }

    void drop() throws SQLException {
      try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + table());
        s.execute("DROP TABLE IF EXISTS " + prefix + "barrier");
      }
    }
  }
}

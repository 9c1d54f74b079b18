package io.jdtm.it.xa;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.COMMIT;
import static io.jdtm.BranchOp.ROLLBACK;
import static io.jdtm.it.xa.XaHarness.PAST_TIMEOUTS;
import static io.jdtm.it.xa.XaHarness.RESOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jdtm.BranchFailedException;
import io.jdtm.BranchStatus;
import io.jdtm.BranchView;
import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TransactionView;
import io.jdtm.TxStatus;
import io.jdtm.XaRecovery;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DTM's XA cases on real databases, through the public API: each branch's local XA transaction
 * prepared inline, phase two by the manager, faults injected between jdtm and the database
 * ({@link FaultyXaDataSource}), recovery and the in-doubt scan driven by hand on a manual clock.
 * Every case checks the committed rows, the final status and that the database holds no
 * prepared branch of the case's gid.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.jdtm.it.xa.XaDatabase#all")
class XaCasesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int GID_LENGTH = 80;

  @Parameter XaDatabase database;

  private XaHarness h;
  private OrdersTable orders;
  private TransactionManager tm;
  private final List<String> gids = new ArrayList<>();

  @BeforeEach
  void setUp() throws SQLException {
    orders = OrdersTable.create(database.dataSource());
    h = new XaHarness(database);
    tm = h.manager("node-1");
  }

  /** Rolls back what a failed case may have left prepared (it would block the drop). */
  @AfterEach
  void tearDown() throws Exception {
    if (h != null) {
      h.close();
    }
    for (String gid : gids) {
      Outsider.rollBack(database.xaDataSource(), gid);
    }
    if (orders != null) {
      orders.drop();
    }
  }

  /** A fresh gid of {@value #GID_LENGTH} characters: more than the 64 of an Xid's global id. */
  private String newGid(String label) {
    StringBuilder gid = new StringBuilder(shortGid(label)).append('-');
    while (gid.length() < GID_LENGTH) {
      gid.append('0');
    }
    gids.add(gid.toString());
    return gid.toString();
  }

  /** A fresh gid of at most 45 characters, as generated gids are. */
  private String shortGid(String label) {
    String gid = "xa-" + label + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    gids.add(gid);
    return gid;
  }

  /** A branch's work that inserts one order. */
  private io.jdtm.Xa.Work order(String id, String item) {
    return c -> {
      orders.insert(c, id, item);
      return Outcome.success();
    };
  }

  /** The database's prepared branches of {@code gid}, as {@code <branchId>/<gid>}. */
  private List<String> inDoubt(String gid) throws SQLException {
    return database.inDoubt().stream().filter(x -> Outsider.gidOf(x).equals(gid)).toList();
  }

  private BranchView op(String gid, String branchId, io.jdtm.BranchOp op) {
    BranchView b = h.view(gid).branch(branchId, op);
    assertThat(b).as("%s %s of %s", op, branchId, gid).isNotNull();
    return b;
  }

  private TxStatus status(String gid) {
    return h.view(gid).status();
  }

  // 1
  @Test
  void twoBranches_bodyReturns_commitsBothAndSucceeds() throws Exception {
    String gid = newGid("normal");

    String returned = tm.xa(gid).execute(xa -> {
      assertThat(xa.branch(RESOURCE, order("o1", "book"))).isEqualTo("01");
      assertThat(xa.branch(RESOURCE, order("o2", "pen"))).isEqualTo("02");
    });

    assertThat(returned).isEqualTo(gid);
    assertThat(tm.await(gid, WAIT).status()).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.transitions(gid)).containsExactly("PREPARED->SUBMITTED", "SUBMITTED->SUCCEEDED");
    assertThat(op(gid, "01", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "02", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 2
  @Test
  void commitAnswerLost_retryFindsUnknownXidAndBarrierRow_succeedsCommittedOnce()
      throws Exception {
    String gid = newGid("dup-commit");
    // branch 01's commit takes effect on its held connection but the answer is lost; the
    // commit repeated at once on a fresh connection does not reach the database either
    h.dataSource.nextCall("commit", FaultyXaDataSource.doneButAnswerLost());
    h.dataSource.nextCall("commit", FaultyXaDataSource.notReached());

    tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, order("o2", "pen"));
    });

    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(op(gid, "01", COMMIT).lastError()).contains("not reached");
    assertThat(op(gid, "02", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(gid)).isEmpty();

    h.clock.advance(PAST_TIMEOUTS);
    assertThat(tm.runRecoveryPass().gids()).containsExactly(gid);

    // the repeated commit: the database knows no such Xid, the barrier row proves the commit
    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(op(gid, "01", COMMIT).attempts()).isEqualTo(2);
    assertThat(op(gid, "01", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "02", COMMIT).attempts()).isEqualTo(1);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 3
  @Test
  void secondBranchAnswersFailure_bothRolledBack_failed() throws Exception {
    String gid = newGid("no-stock");

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, c -> {
        orders.insert(c, "o2", "pen"); // written, then refused: the local XA rolls it back
        return Outcome.failure("no stock");
      });
    })).isInstanceOf(BranchFailedException.class).hasMessageContaining("no stock");

    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.transitions(gid)).containsExactly("PREPARED->ABORTING", "ABORTING->FAILED");
    assertThat(op(gid, "02", ACTION).status()).isEqualTo(BranchStatus.FAILED);
    assertThat(op(gid, "02", ACTION).lastError()).contains("no stock");
    assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "02", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "01", COMMIT).status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 4
  @Test
  void bodyThrowsBeforeAnyBranch_rethrown_failedWithNothingToRollBack() throws Exception {
    String gid = newGid("body-error");
    IllegalArgumentException bad = new IllegalArgumentException("bad order");

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      throw bad;
    })).isSameAs(bad);

    TransactionView view = h.view(gid);
    assertThat(view.status()).isEqualTo(TxStatus.FAILED);
    assertThat(view.reason()).contains("bad order");
    assertThat(view.branches()).isEmpty();
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 5
  @Test
  void initiatorDiesAfterPreparing_anotherManagerTimesItOut_rolledBackAndFailed()
      throws Exception {
    String gid = newGid("timeout");
    IllegalStateException crash = new IllegalStateException("initiator crashed");
    TransactionManager node2 = h.manager("node-2");

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      tm.halt(); // the process dies: nothing after this is recorded
      database.crashClients();
      throw crash;
    })).isSameAs(crash);
    assertThat(status(gid)).isEqualTo(TxStatus.PREPARED);
    assertThat(inDoubt(gid)).containsExactly("01/" + gid);

    h.clock.advance(PAST_TIMEOUTS);
    assertThat(node2.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.transitions(gid)).containsExactly("PREPARED->ABORTING", "ABORTING->FAILED");
    assertThat(h.view(gid).reason()).contains("still PREPARED");
    assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 6
  @Test
  void commitNotReachedOnce_staysSubmittedWithError_nextPassSucceeds() throws Exception {
    String gid = newGid("commit-later");
    h.dataSource.nextCall("commit", FaultyXaDataSource.notReached()); // the held connection
    h.dataSource.nextCall("commit", FaultyXaDataSource.notReached()); // then a fresh one

    tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
    });

    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED);
    BranchView commit = op(gid, "01", COMMIT);
    assertThat(commit.status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(commit.lastError()).contains("the database was not reached");
    assertThat(commit.retryAt()).isAfter(h.clock.instant());
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).containsExactly("01/" + gid);

    h.clock.advance(PAST_TIMEOUTS);
    assertThat(tm.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(op(gid, "01", COMMIT).attempts()).isEqualTo(2);
    assertThat(orders.committed()).containsExactly("o1=book");
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 7
  @Test
  void rollbackWhileDatabaseDown_staysAborting_databaseBack_failed() throws Exception {
    String gid = newGid("db-down");
    IllegalStateException gaveUp = new IllegalStateException("client gave up");

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      h.dataSource.down(true);
      throw gaveUp;
    })).isSameAs(gaveUp);

    assertThat(status(gid)).isEqualTo(TxStatus.ABORTING);
    BranchView rollback = op(gid, "01", ROLLBACK);
    assertThat(rollback.status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(rollback.lastError()).contains("the database is down");
    assertThat(inDoubt(gid)).containsExactly("01/" + gid);

    h.clock.advance(PAST_TIMEOUTS);
    tm.runRecoveryPass();
    assertThat(status(gid)).isEqualTo(TxStatus.ABORTING); // still down: retried later

    h.dataSource.down(false);
    h.clock.advance(PAST_TIMEOUTS.multipliedBy(2));
    assertThat(tm.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 8
  @Test
  void gidOf123CharactersWithPunctuation_worksEndToEnd() throws Exception {
    String gid = newGid("long.gid:_-0123456789");
    StringBuilder padded = new StringBuilder(gid).append('.');
    while (padded.length() < 123) {
      padded.append("9:8_7-6.".charAt(padded.length() % 8));
    }
    String longest = padded.toString();
    gids.add(longest);

    tm.xa(longest).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, order("o2", "pen"));
    });

    assertThat(longest).hasSize(123);
    assertThat(status(longest)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(longest)).isEmpty();
  }

  // 8
  @Test
  void gidOf124Characters_refusedByExecute_nothingStored() throws Exception {
    StringBuilder padded = new StringBuilder(newGid("too-long")).append('-');
    while (padded.length() < 124) {
      padded.append('x');
    }
    String tooLong = padded.toString();
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(() -> tm.xa(tooLong).execute(xa -> {
      ran.set(true);
      xa.branch(RESOURCE, order("o1", "book"));
    })).isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("at most 123 characters").hasMessageContaining("has 124");

    assertThat(ran).isFalse();
    assertThat(tm.find(tooLong)).isEmpty();
    assertThat(orders.committed()).isEmpty();
  }

  // 9
  @Test
  void panicAfterTwoPreparedBranches_rethrown_bothRolledBack() throws Exception {
    String gid = newGid("panic");
    RuntimeException panic = new RuntimeException("panic");

    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, order("o2", "pen"));
      throw panic;
    })).isSameAs(panic);

    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(h.view(gid).reason()).contains("panic");
    assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "02", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "01", COMMIT).status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 10
  @Test
  void branchRolledBackOutsideJdtm_commitFindsNoXidNorRow_neverSucceeded() throws Exception {
    String gid = newGid("heuristic");
    h.dataSource.nextCall("commit", FaultyXaDataSource.notReached()); // the held connection
    h.dataSource.nextCall("commit", FaultyXaDataSource.notReached()); // then a fresh one

    tm.xa(gid).execute(xa -> xa.branch(RESOURCE, order("o1", "book")));
    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED);
    // Someone rolls the prepared branch back by hand (MariaDB lets another session do it once
    // the server has ended the preparing session, which the failed commit closed: wait for it;
    // H2 only once the preparing session is gone: a crash of the embedded database).
    database.crashClients();
    await().atMost(Duration.ofSeconds(10)).until(
        () -> !Outsider.rollBack(database.xaDataSource(), gid).isEmpty());

    h.clock.advance(PAST_TIMEOUTS);
    tm.runRecoveryPass();

    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED); // kept visible, never SUCCEEDED
    BranchView commit = op(gid, "01", COMMIT);
    assertThat(commit.status()).isEqualTo(BranchStatus.PREPARED);
    assertThat(commit.attempts()).isEqualTo(2);
    assertThat(commit.lastError()).contains("does not know the branch's Xid")
        .contains("barrier row is missing");
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 11
  @Test
  void localTransactionStartsAfterRollback_branchFailsWithoutRunningWork() throws Exception {
    String gid = newGid("hanging");
    TransactionManager node2 = h.manager("node-2");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    h.dataSource.nextCall("start", (xid, proceed) -> {
      entered.countDown();
      assertThat(release.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      return proceed.call();
    });
    AtomicBoolean workRan = new AtomicBoolean();
    ExecutorService initiator = Executors.newSingleThreadExecutor();
    try {
      Future<String> body = initiator.submit(() -> tm.xa(gid).execute(xa -> {
        xa.branch(RESOURCE, c -> {
          workRan.set(true);
          orders.insert(c, "o1", "book");
          return Outcome.success();
        });
      }));
      assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      h.clock.advance(PAST_TIMEOUTS);
      assertThat(node2.runRecoveryPass().gids()).containsExactly(gid);
      assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
      assertThat(op(gid, "01", ROLLBACK).status()).isEqualTo(BranchStatus.SUCCEEDED);

      release.countDown();
      assertThatThrownBy(() -> body.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause()
          .isInstanceOf(JdtmException.class)
          .hasMessageContaining("rolled back before its local transaction started");
    } finally {
      release.countDown();
      initiator.shutdownNow();
    }

    assertThat(workRan).isFalse();
    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }

  // 12
  @Test
  void initiatorNeverRunsPhaseTwo_anotherManagersInDoubtScanCommits_thenPassSucceeds()
      throws Exception {
    String gid = newGid("in-doubt");
    TransactionManager node1 = h.manager("node-1-drops-tasks", task -> { });
    TransactionManager node2 = h.manager("node-2");

    node1.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, order("o2", "pen"));
    });
    node1.halt();
    database.crashClients();
    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(inDoubt(gid)).containsExactlyInAnyOrder("01/" + gid, "02/" + gid);

    XaRecovery scan = node2.recoverXa();

    assertThat(scan.committed()).containsExactlyInAnyOrder(
        RESOURCE + " gid=" + gid + " branch=01", RESOURCE + " gid=" + gid + " branch=02");
    assertThat(scan.rolledBack()).noneMatch(s -> s.contains(gid));
    assertThat(scan.left()).noneMatch(s -> s.contains(gid));
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(gid)).isEmpty();
    assertThat(status(gid)).isEqualTo(TxStatus.SUBMITTED); // the scan resolves Xids only

    h.clock.advance(PAST_TIMEOUTS);
    assertThat(node2.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(op(gid, "01", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(op(gid, "02", COMMIT).status()).isEqualTo(BranchStatus.SUCCEEDED);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
  }

  // MariaDB Connector/J writes an empty branch qualifier as "XA START 0x...,0x,..." (a syntax
  // error): jdtm's qualifier is never empty.
  @Test
  void shortGid_twoBranches_commitsBoth() throws Exception {
    String gid = shortGid("short");

    tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      xa.branch(RESOURCE, order("o2", "pen"));
    });

    assertThat(status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(orders.committed()).containsExactly("o1=book", "o2=pen");
    assertThat(inDoubt(gid)).isEmpty();
  }

  // On PostgreSQL, CREATE INDEX IF NOT EXISTS takes a SHARE lock on jdtm_barrier even when the
  // index exists, which waits for every prepared branch holding a row: a fresh manager only reads
  // a barrier table that is there.
  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void freshManager_whileABranchIsPrepared_rollsItBack() throws Exception {
    String gid = newGid("fresh-node");
    IllegalStateException crash = new IllegalStateException("initiator crashed");
    assertThatThrownBy(() -> tm.xa(gid).execute(xa -> {
      xa.branch(RESOURCE, order("o1", "book"));
      tm.halt();
      database.crashClients();
      throw crash;
    })).isSameAs(crash);

    TransactionManager node2 = h.manager("node-2"); // a new process: first call on the resource
    h.clock.advance(PAST_TIMEOUTS);
    assertThat(node2.runRecoveryPass().gids()).containsExactly(gid);

    assertThat(status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(orders.committed()).isEmpty();
    assertThat(inDoubt(gid)).isEmpty();
  }
}

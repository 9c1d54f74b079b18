package io.jdtm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier.LocalWork;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every database's {@link JdbcBarrier} must do, run on each with a nearly empty subclass:
 * DTM's rules (duplicates, null compensation, anti-hanging), rollback of the rows with the
 * business, 2-phase messages and their check-back, the caller's transaction and JDBI forms, purge,
 * and concurrent calls that must serialize on the barrier's key. Business effects are observed in
 * a small accounts table beside the barrier's. Waits for real concurrency are bounded; nothing
 * sleeps to let logical time pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcBarrierContract {
  private static final AtomicInteger GIDS = new AtomicInteger();
  /** How long a call must stay blocked to count as waiting for another transaction. */
  private static final long WAITING_MS = 300;
  private static final long DONE_SECONDS = 30;

  protected JdbcBarrier barrier;
  protected BarrierAccounts accounts;
  private ExecutorService threads;

  /** A builder on this class's database and table prefix (the contract adds createSchema). */
  protected abstract JdbcBarrier.Builder builder();

  /** A new connection to the same database, auto-commit on. */
  protected abstract Connection connect() throws SQLException;

  /** This class's table prefix. */
  protected abstract String prefix();

  @BeforeAll
  void openBarrier() throws SQLException {
    barrier = builder().createSchema(true).build();
    accounts = new BarrierAccounts(this::connect, prefix());
    accounts.create();
    threads = Executors.newCachedThreadPool();
  }

  @AfterAll
  void closeBarrier() throws SQLException {
    if (threads != null) {
      threads.shutdownNow();
    }
    if (barrier != null) {
      accounts.drop(prefix() + "barrier");
      accounts.close();
      barrier.close();
    }
  }

  static String newGid() {
    return "bar-" + ProcessHandle.current().pid() + "-" + GIDS.incrementAndGet();
  }

  static BranchContext ctx(String gid, Mode mode, BranchOp op) {
    return BranchContext.of(gid, mode, "01", op);
  }

  /** Deliveries of one op: each {@code get()} a new context, as the manager makes per call. */
  static Supplier<BranchContext> deliveries(String gid, Mode mode, BranchOp op) {
    return () -> ctx(gid, mode, op);
  }

  static BranchContext msg(String gid) {
    return BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG);
  }

  @Test
  void call_firstAction_runsBusinessOnce() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();

    Outcome outcome = barrier.call(ctx(newGid(), Mode.SAGA, BranchOp.ACTION),
        accounts.move(account, -30, runs));

    assertThat(outcome).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_repeatedAction_skipsBusiness() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    barrier.call(action.get(), accounts.move(account, -30, runs));

    Outcome again = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(again).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_compensateAfterAction_runsCompensationOnce() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger actions = new AtomicInteger();
    AtomicInteger compensations = new AtomicInteger();
    barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION), accounts.move(account, -30, actions));

    Outcome first = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        accounts.move(account, 30, compensations));
    Outcome second = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        accounts.move(account, 30, compensations));

    assertThat(first).isEqualTo(Outcome.success());
    assertThat(second).isEqualTo(Outcome.success());
    assertThat(compensations).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_compensateBeforeAction_isNullCompensationAndBlocksTheLateAction() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome compensate = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        accounts.move(account, 30, runs));
    Outcome lateAction = barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION),
        accounts.move(account, -30, runs));

    assertThat(compensate).isEqualTo(Outcome.success());
    assertThat(lateAction).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_tccTryConfirmRepeated_runsEachOnce() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger confirms = new AtomicInteger();

    for (int i = 0; i < 2; i++) {
      assertThat(barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
          accounts.move(account, -30, tries))).isEqualTo(Outcome.success());
      assertThat(barrier.call(ctx(gid, Mode.TCC, BranchOp.CONFIRM),
          accounts.move(account, 5, confirms))).isEqualTo(Outcome.success());
    }

    assertThat(tries).hasValue(1);
    assertThat(confirms).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(75);
  }

  @Test
  void call_tccCancelAfterTry_runsCancelOnce() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger cancels = new AtomicInteger();
    barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), accounts.move(account, -30, tries));

    barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), accounts.move(account, 30, cancels));
    barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), accounts.move(account, 30, cancels));
    Outcome tryAgain = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
        accounts.move(account, -30, tries));

    assertThat(tryAgain).isEqualTo(Outcome.success());
    assertThat(tries).hasValue(1);
    assertThat(cancels).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_tccCancelBeforeTry_isNullCancelAndBlocksTheLateTry() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome cancel = barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL),
        accounts.move(account, 30, runs));
    Outcome lateTry = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
        accounts.move(account, -30, runs));
    Outcome cancelAgain = barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL),
        accounts.move(account, 30, runs));

    assertThat(cancel).isEqualTo(Outcome.success());
    assertThat(lateTry).isEqualTo(Outcome.success());
    assertThat(cancelAgain).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_sameGidOtherModeOrBranch_isAnotherKey() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION), accounts.move(account, -1, runs));
    barrier.call(ctx(gid, Mode.WORKFLOW, BranchOp.ACTION), accounts.move(account, -1, runs));
    barrier.call(BranchContext.of(gid, Mode.SAGA, "02", BranchOp.ACTION),
        accounts.move(account, -1, runs));
    barrier.call(BranchContext.of(gid.toUpperCase(java.util.Locale.ROOT), Mode.SAGA, "01",
        BranchOp.ACTION), accounts.move(account, -1, runs));

    assertThat(runs).hasValue(4);
    assertThat(accounts.balance(account)).isEqualTo(96);
  }

  @Test
  void call_twoCallsInOneDelivery_eachRunsOnceAndARedeliveryRunsNone() throws Exception {
    String account = accounts.open(1000);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    List<Outcome> first = deliver(ctx(gid, Mode.SAGA, BranchOp.ACTION), account, runs, -1, -10);
    List<Outcome> again = deliver(ctx(gid, Mode.SAGA, BranchOp.ACTION), account, runs, -1, -10);

    assertThat(first).containsExactly(Outcome.success(), Outcome.success());
    assertThat(again).containsExactly(Outcome.success(), Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(989);
  }

  @Test
  void call_threeCallsInOneDelivery_eachActionAndCompensationRunsOnce() throws Exception {
    String account = accounts.open(1000);
    String gid = newGid();
    AtomicInteger actions = new AtomicInteger();
    AtomicInteger compensations = new AtomicInteger();

    for (int delivery = 0; delivery < 2; delivery++) {
      deliver(ctx(gid, Mode.SAGA, BranchOp.ACTION), account, actions, -1, -10, -100);
    }
    long afterActions = accounts.balance(account);
    for (int delivery = 0; delivery < 2; delivery++) {
      deliver(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE), account, compensations, 1, 10, 100);
    }

    assertThat(afterActions).isEqualTo(889);
    assertThat(actions).hasValue(3);
    assertThat(compensations).hasValue(3);
    assertThat(accounts.balance(account)).isEqualTo(1000);
  }

  @Test
  void call_compensateBeforeATwoCallAction_isNullCompensationAndBlocksBothLateCalls()
      throws Exception {
    String account = accounts.open(1000);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    List<Outcome> compensate =
        deliver(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE), account, runs, 1, 10);
    List<Outcome> lateAction =
        deliver(ctx(gid, Mode.SAGA, BranchOp.ACTION), account, runs, -1, -10);

    assertThat(compensate).containsExactly(Outcome.success(), Outcome.success());
    assertThat(lateAction).containsExactly(Outcome.success(), Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(1000);
  }

  @Test
  void call_redeliveryAfterADeliveryDiedAfterItsFirstCall_runsOnlyTheSecondCall()
      throws Exception {
    String account = accounts.open(1000);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    deliver(ctx(gid, Mode.TCC, BranchOp.TRY), account, runs, -1); // then the process died

    List<Outcome> redelivery = deliver(ctx(gid, Mode.TCC, BranchOp.TRY), account, runs, -1, -10);

    assertThat(redelivery).containsExactly(Outcome.success(), Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(989);
  }

  @Test
  void call_cancelAfterATryDiedAfterItsFirstCall_undoesCallOneAndBlocksTheLateCallTwo()
      throws Exception {
    String account = accounts.open(1000);
    String gid = newGid();
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger cancels = new AtomicInteger();
    deliver(ctx(gid, Mode.TCC, BranchOp.TRY), account, tries, -1); // then the process died

    deliver(ctx(gid, Mode.TCC, BranchOp.CANCEL), account, cancels, 1, 10);
    List<Outcome> lateTry = deliver(ctx(gid, Mode.TCC, BranchOp.TRY), account, tries, -1, -10);

    assertThat(lateTry).containsExactly(Outcome.success(), Outcome.success());
    assertThat(tries).hasValue(1);
    assertThat(cancels).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(1000);
  }

  @Test
  void call_secondMsgCallOfOneContext_isRefusedWithoutBusiness() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    BranchContext local = msg(gid);
    barrier.call(local, accounts.move(account, -30, runs));

    assertThatThrownBy(() -> barrier.call(local, accounts.move(account, -30, runs)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("one barrier call");
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
    assertThat(barrier.queryPrepared(gid)).isEqualTo(Outcome.success());
  }

  @Test
  void call_businessFailure_rollsRowsBackSoARetryRuns() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);

    Outcome refused = barrier.call(action.get(),
        accounts.moveThen(account, -30, runs, Outcome.failure("insufficient funds")));
    long afterRefusal = accounts.balance(account);
    Outcome retried = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(refused).isEqualTo(Outcome.failure("insufficient funds"));
    assertThat(afterRefusal).isEqualTo(100);
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_businessThrows_rollsRowsBackAndRethrows() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    String gid = newGid();
    Supplier<BranchContext> cancel = deliveries(gid, Mode.TCC, BranchOp.CANCEL);
    IllegalStateException boom = new IllegalStateException("boom");
    LocalWork<Connection> failing = c -> {
      accounts.add(c, account, 30);
      throw boom;
    };
    barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), accounts.move(account, -30, runs));

    assertThatThrownBy(() -> barrier.call(cancel.get(), failing)).isSameAs(boom);
    long afterThrow = accounts.balance(account);
    Outcome retried = barrier.call(cancel.get(), accounts.move(account, 30, runs));

    assertThat(afterThrow).isEqualTo(70);
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_businessOngoing_rollsRowsBackSoARetryRuns() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);

    Outcome ongoing = barrier.call(action.get(),
        accounts.moveThen(account, -30, runs, Outcome.ongoing()));
    Outcome retried = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(ongoing).isEqualTo(Outcome.ongoing());
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_businessReturnsNull_isFailureAndRollsBack() throws Exception {
    String account = accounts.open(100);
    BranchContext action = ctx(newGid(), Mode.SAGA, BranchOp.ACTION);

    Outcome outcome = barrier.call(action, c -> {
      accounts.add(c, account, -30);
      return null;
    });

    assertThat(outcome.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void queryPrepared_afterMsgCall_succeeds() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome local = barrier.call(msg(gid), accounts.move(account, -30, runs));
    Outcome checkBack = barrier.queryPrepared(gid);
    Outcome checkBackAgain = barrier.queryPrepared(gid);

    assertThat(local).isEqualTo(Outcome.success());
    assertThat(checkBack).isEqualTo(Outcome.success());
    assertThat(checkBackAgain).isEqualTo(Outcome.success());
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_msgRepeated_skipsBusiness() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    barrier.call(msg(gid), accounts.move(account, -30, runs));

    Outcome again = barrier.call(msg(gid), accounts.move(account, -30, runs));

    assertThat(again).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
  }

  @Test
  void queryPrepared_beforeMsgCall_failsAndTheLocalTransactionNeverRuns() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome checkBack = barrier.queryPrepared(gid);
    Outcome checkBackAgain = barrier.queryPrepared(gid);
    Outcome lateLocal = barrier.call(msg(gid), accounts.move(account, -30, runs));

    assertThat(checkBack.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(checkBackAgain.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(lateLocal.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void queryPrepared_afterMsgBusinessFailed_fails() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    barrier.call(msg(gid), accounts.moveThen(account, -30, runs, Outcome.failure("no")));

    Outcome checkBack = barrier.queryPrepared(gid);

    assertThat(checkBack.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void callInCallerTransaction_callerCommits_rowsAndBusinessStay() throws Exception {
    String account = accounts.open(100);
    String other = accounts.open(0);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      accounts.add(c, other, 1);

      Outcome outcome = barrier.call(c, action.get(), accounts.move(account, -30, runs));
      c.commit();

      assertThat(outcome).isEqualTo(Outcome.success());
    }
    Outcome again = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(again).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
    assertThat(accounts.balance(other)).isEqualTo(1);
  }

  @Test
  void callInCallerTransaction_callerRollsBack_rowsGoToo() throws Exception {
    String account = accounts.open(100);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      barrier.call(c, action.get(), accounts.move(account, -30, runs));
      c.rollback();
    }

    Outcome retried = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void callInCallerTransaction_businessFailure_rollsBackToTheSavepointOnly() throws Exception {
    String account = accounts.open(100);
    String other = accounts.open(0);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      accounts.add(c, other, 1);

      Outcome refused = barrier.call(c, action.get(),
          accounts.moveThen(account, -30, runs, Outcome.failure("refused")));
      accounts.add(c, other, 1);
      c.commit();

      assertThat(refused).isEqualTo(Outcome.failure("refused"));
    }
    Outcome retried = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(accounts.balance(other)).isEqualTo(2);
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void callInCallerTransaction_businessThrows_rollsBackToTheSavepointAndRethrows()
      throws Exception {
    String account = accounts.open(100);
    String other = accounts.open(0);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      accounts.add(c, other, 1);

      assertThatThrownBy(() -> barrier.call(c, action.get(), cn -> {
        accounts.add(cn, account, -30);
        throw boom;
      })).isSameAs(boom);
      c.commit();
    }
    Outcome retried = barrier.call(action.get(), accounts.move(account, -30, runs));

    assertThat(accounts.balance(other)).isEqualTo(1);
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void callInCallerTransaction_nullCompensation_rowsCommitWithTheCaller() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      Outcome compensate = barrier.call(c, ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
          accounts.move(account, 30, runs));
      c.commit();

      assertThat(compensate).isEqualTo(Outcome.success());
    }

    Outcome lateAction = barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION),
        accounts.move(account, -30, runs));

    assertThat(lateAction).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void callInCallerTransaction_msgAfterACheckBackNewerThanTheSnapshot_failsWithoutBusiness()
      throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      accounts.balance(c, account); // MariaDB: the transaction's snapshot starts here
      assertThat(barrier.queryPrepared(gid).kind()).isEqualTo(Outcome.Kind.FAILURE);

      Outcome local = barrier.call(c, msg(gid), accounts.move(account, -30, runs));
      c.commit();

      assertThat(local.kind()).isEqualTo(Outcome.Kind.FAILURE);
    }
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void callInCallerTransaction_autoCommitOn_throwsBeforeAnyWrite() throws Exception {
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    try (Connection c = connect()) {
      assertThatThrownBy(() -> barrier.call(c, ctx(newGid(), Mode.SAGA, BranchOp.ACTION),
          accounts.move(account, -30, runs)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void callOnJdbiHandle_inTransaction_rowsCommitWithTheHandle() throws Exception {
    String account = accounts.open(100);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    Jdbi jdbi = Jdbi.create(this::connect);
    LocalWork<org.jdbi.v3.core.Handle> debit = h -> {
      runs.incrementAndGet();
      h.createUpdate("UPDATE " + prefix() + "account SET balance = balance - 30 WHERE id = :id")
          .bind("id", account).execute();
      return Outcome.success();
    };

    Outcome first = jdbi.inTransaction(h -> barrier.call(h, action.get(), debit));
    Outcome second = jdbi.inTransaction(h -> barrier.call(h, action.get(), debit));

    assertThat(first).isEqualTo(Outcome.success());
    assertThat(second).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void purgeOlderThan_oldRows_deletesThemSoAnOldDuplicateWouldRunAgain() throws Exception {
    io.jdtm.testkit.ManualClock clock =
        new io.jdtm.testkit.ManualClock(java.time.Instant.parse("2001-01-01T00:00:00Z"));
    String account = accounts.open(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> old = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    Supplier<BranchContext> recent = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    try (JdbcBarrier clocked = builder().clock(clock).build()) {
      clocked.call(old.get(), accounts.move(account, -1, runs));
      java.time.Instant cutoff = clock.advance(java.time.Duration.ofDays(1));
      clocked.call(recent.get(), accounts.move(account, -1, runs));

      long purged = clocked.purgeOlderThan(cutoff);

      assertThat(purged).isEqualTo(1);
      clocked.call(old.get(), accounts.move(account, -1, runs));
      clocked.call(recent.get(), accounts.move(account, -1, runs));
    }
    assertThat(runs).hasValue(3);
    assertThat(accounts.balance(account)).isEqualTo(97);
  }

  @Test
  void purgeOlderThan_moreRowsThanABatch_deletesThemAll() throws Exception {
    io.jdtm.testkit.ManualClock clock =
        new io.jdtm.testkit.ManualClock(java.time.Instant.parse("2000-01-01T00:00:00Z"));
    int rows = BarrierSql.PURGE_BATCH * 2 + 7;
    insertOldRows(rows, clock.millis());

    try (JdbcBarrier clocked = builder().clock(clock).build()) {
      long purged = clocked.purgeOlderThan(clock.instant().plusMillis(1));

      assertThat(purged).isEqualTo(rows);
    }
  }

  @Test
  void call_racingCallsOfOneKey_runBusinessOnce() throws Exception {
    int racers = 8;
    String account = accounts.open(100);
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Outcome>> outcomes = new ArrayList<>();
    outcomes.add(submit(() -> barrier.call(action.get(), c -> {
      runs.incrementAndGet();
      accounts.add(c, account, -30);
      entered.countDown();
      release.await(DONE_SECONDS, TimeUnit.SECONDS); // holds the key until the others wait
      return Outcome.success();
    })));
    assertThat(entered.await(DONE_SECONDS, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i < racers; i++) {
      outcomes.add(submit(() -> barrier.call(action.get(), accounts.move(account, -30, runs))));
    }
    assertWaiting(outcomes.get(1)); // one wait in all: the database's lock timeout is short
    outcomes.subList(2, racers).forEach(o -> assertThat(o).isNotDone());
    release.countDown();

    for (Future<Outcome> outcome : outcomes) {
      assertThat(done(outcome)).isEqualTo(Outcome.success());
    }
    assertThat(runs).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void call_twoRacingCancelsThenADelayedTry_tryNeverRunsBusiness() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger cancels = new AtomicInteger();
    AtomicInteger tries = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<Outcome> cancel = () -> {
      start.await(DONE_SECONDS, TimeUnit.SECONDS);
      return barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), accounts.move(account, 30, cancels));
    };
    Future<Outcome> first = submit(cancel);
    Future<Outcome> second = submit(cancel);
    assertThat(done(first)).isEqualTo(Outcome.success());
    assertThat(done(second)).isEqualTo(Outcome.success());

    Outcome delayedTry = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
        accounts.move(account, -30, tries));

    assertThat(delayedTry).isEqualTo(Outcome.success());
    assertThat(tries).hasValue(0);
    assertThat(cancels).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_cancelAndTryWhileANullCancelIsUncommitted_waitThenSkipBusiness() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger cancels = new AtomicInteger();
    AtomicInteger tries = new AtomicInteger();
    Supplier<BranchContext> cancel = deliveries(gid, Mode.TCC, BranchOp.CANCEL);
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      assertThat(barrier.call(c, cancel.get(), accounts.move(account, 30, cancels)))
          .isEqualTo(Outcome.success());

      Future<Outcome> secondCancel =
          submit(() -> barrier.call(cancel.get(), accounts.move(account, 30, cancels)));
      Future<Outcome> lateTry = submit(() -> barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
          accounts.move(account, -30, tries)));
      assertWaiting(secondCancel);
      assertWaiting(lateTry);
      c.commit();

      assertThat(done(secondCancel)).isEqualTo(Outcome.success());
      assertThat(done(lateTry)).isEqualTo(Outcome.success());
    }
    assertThat(cancels).hasValue(0);
    assertThat(tries).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_cancelWhileTryIsUncommitted_waitsThenCancelsTheCommittedTry() throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger cancels = new AtomicInteger();
    AtomicInteger tries = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      barrier.call(c, ctx(gid, Mode.TCC, BranchOp.TRY), accounts.move(account, -30, tries));

      Future<Outcome> cancel = submit(() -> barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL),
          accounts.move(account, 30, cancels)));
      assertWaiting(cancel);
      c.commit();

      assertThat(done(cancel)).isEqualTo(Outcome.success());
    }
    assertThat(tries).hasValue(1);
    assertThat(cancels).hasValue(1);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void call_cancelWhileTryIsUncommitted_waitsThenIsNullCancelWhenTheTryRollsBack()
      throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger cancels = new AtomicInteger();
    AtomicInteger tries = new AtomicInteger();
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      barrier.call(c, ctx(gid, Mode.TCC, BranchOp.TRY), accounts.move(account, -30, tries));

      Future<Outcome> cancel = submit(() -> barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL),
          accounts.move(account, 30, cancels)));
      assertWaiting(cancel);
      c.rollback();

      assertThat(done(cancel)).isEqualTo(Outcome.success());
    }
    Outcome lateTry = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY),
        accounts.move(account, -30, tries));

    assertThat(lateTry).isEqualTo(Outcome.success());
    assertThat(tries).hasValue(1);
    assertThat(cancels).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  @Test
  void queryPrepared_whileTheLocalTransactionRuns_waitsThenSucceedsWhenItCommits()
      throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Outcome> local = submit(() -> barrier.call(msg(gid), c -> {
      accounts.add(c, account, -30);
      entered.countDown();
      release.await(DONE_SECONDS, TimeUnit.SECONDS);
      return Outcome.success();
    }));
    assertThat(entered.await(DONE_SECONDS, TimeUnit.SECONDS)).isTrue();

    Future<Outcome> checkBack = submit(() -> barrier.queryPrepared(gid));
    assertWaiting(checkBack);
    release.countDown();

    assertThat(done(local)).isEqualTo(Outcome.success());
    assertThat(done(checkBack)).isEqualTo(Outcome.success());
    assertThat(barrier.queryPrepared(gid)).isEqualTo(Outcome.success());
    assertThat(accounts.balance(account)).isEqualTo(70);
  }

  @Test
  void queryPrepared_whileTheLocalTransactionRuns_waitsThenFailsWhenItRollsBack()
      throws Exception {
    String account = accounts.open(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Outcome> local = submit(() -> barrier.call(msg(gid), c -> {
      accounts.add(c, account, -30);
      entered.countDown();
      release.await(DONE_SECONDS, TimeUnit.SECONDS);
      return Outcome.failure("local refusal");
    }));
    assertThat(entered.await(DONE_SECONDS, TimeUnit.SECONDS)).isTrue();

    Future<Outcome> checkBack = submit(() -> barrier.queryPrepared(gid));
    assertWaiting(checkBack);
    release.countDown();

    assertThat(done(local)).isEqualTo(Outcome.failure("local refusal"));
    assertThat(done(checkBack).kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(barrier.call(msg(gid), accounts.move(account, -30, runs)).kind())
        .isEqualTo(Outcome.Kind.FAILURE);
    assertThat(runs).hasValue(0);
    assertThat(accounts.balance(account)).isEqualTo(100);
  }

  /** One delivery of a branch op whose handler makes one barrier call per amount, in order. */
  private List<Outcome> deliver(BranchContext delivery, String account, AtomicInteger runs,
      long... amounts) throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    for (long amount : amounts) {
      outcomes.add(barrier.call(delivery, accounts.move(account, amount, runs)));
    }
    return outcomes;
  }

  private <T> Future<T> submit(Callable<T> task) {
    return threads.submit(task);
  }

  private static <T> T done(Future<T> future) throws Exception {
    return future.get(DONE_SECONDS, TimeUnit.SECONDS);
  }

  /** The call has not finished after a bounded wait: it is blocked on another's row. */
  private static void assertWaiting(Future<?> future) {
    assertThatThrownBy(() -> future.get(WAITING_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
  }

  private void insertOldRows(int count, long createdAt) throws SQLException {
    String gid = newGid();
    try (Connection c = connect(); var s = c.prepareStatement("INSERT INTO " + prefix()
        + "barrier (trans_type, gid, branch_id, op, barrier_id, reason, created_at) "
        + "VALUES ('saga', ?, ?, 'action', '01', 'action', ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        s.setString(1, gid);
        s.setString(2, Integer.toString(i));
        s.setLong(3, createdAt);
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
    }
  }
}

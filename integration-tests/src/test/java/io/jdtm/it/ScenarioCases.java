package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * DTM's scenario matrix, with a real barrier, on every store: sagas, TCC and messages, normal and
 * failing, with retries, disorder and duplicates. Money ({@code A + frozenA + B}) is conserved in
 * every scenario. The message whose check-back arrives before the caller's own transaction
 * reaches the barrier needs a caller-owned transaction: see {@link ScenarioCallerTransactionCases}.
 */
abstract class ScenarioCases {
  @Parameter(0)
  StoreFixture store;

  @Parameter(1)
  BarrierFixture database;

  Harness h;
  KvBarrier db;
  KvBank bank;
  TransactionManager tm;
  ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() throws Exception {
    h = new Harness(store);
    db = database.open();
    bank = new KvBank(db);
    bank.open();
    tm = manager("node-1", Runnable::run);
  }

  TransactionManager manager(String id, java.util.concurrent.Executor executor) {
    return h.manager(id, b -> bank.register(b).barrier("db", db.barrier()).executor(executor));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      assertThat(bank.total()).as("money, %s", bank.balances()).isEqualTo(KvBank.OPENING);
    } finally {
      h.close();
      db.close();
      pool.shutdownNow();
    }
  }

  private void balances(long a, long frozen, long b) throws Exception {
    assertThat(bank.balances()).isEqualTo("A=" + a + " frozenA=" + frozen + " B=" + b);
  }

  private String saga(long amount) {
    return tm.saga().step("debit", "debitUndo", amount).step("credit", "creditUndo", amount)
        .submit();
  }

  private String tcc(String gid, long amount) {
    tm.tcc(gid).execute(tcc -> {
      tcc.branch("freeze", "payFrozen", "unfreeze", amount);
      tcc.branch("canReceive", "receive", "forget", amount);
    });
    return gid;
  }

  private void drain(String gid) {
    for (int i = 0; i < 10 && !h.status(gid).isTerminal(); i++) {
      h.clock.advance(Duration.ofMinutes(11));
      tm.runRecoveryPass();
    }
  }

  @Test
  void saga_normal_movesTheMoney() throws Exception {
    assertThat(h.status(saga(30))).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void saga_refusedStep_isRolledBack() throws Exception {
    assertThat(h.status(saga(60))).isEqualTo(TxStatus.FAILED);
    balances(100, 0, 0);
  }

  @Test
  void tcc_normal_confirmsBothBranches() throws Exception {
    assertThat(h.status(tcc("t-ok", 30))).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void tcc_tryRefused_cancelsAndUnfreezes() throws Exception {
    assertThatThrownBy(() -> tcc("t-refused", 60)).isInstanceOf(BranchFailedException.class);
    assertThat(h.status("t-refused")).isEqualTo(TxStatus.FAILED);
    balances(100, 0, 0);
  }

  @Test
  void tcc_confirmFailingTwice_isRetriedToSuccess() throws Exception {
    bank.failNext("receive", 2);
    tcc("t-retry", 30);
    drain("t-retry");
    assertThat(h.status("t-retry")).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void tcc_cancelFailingTwice_isRetriedToSuccess() throws Exception {
    bank.failNext("unfreeze", 2);
    assertThatThrownBy(() -> tcc("t-undo", 60)).isInstanceOf(BranchFailedException.class);
    drain("t-undo");
    assertThat(h.status("t-undo")).isEqualTo(TxStatus.FAILED);
    balances(100, 0, 0);
  }

  @Test
  void tcc_tryDelayedPastTwoConcurrentCancels_hasNoEffect() throws Exception {
    CountDownLatch tryInFlight = new CountDownLatch(1);
    CountDownLatch deliverTry = new CountDownLatch(1);
    CompletableFuture<Outcome> lateTry = new CompletableFuture<>();
    AtomicBoolean lateBusinessRan = new AtomicBoolean();
    // Not KvBank.holdFreeze: the engine interrupts a handler it stops waiting for, and that hold
    // then ends before the try reaches the barrier.
    TransactionManager slow = h.manager("slow", b -> bank.register(b).barrier("db", db.barrier())
        .handler("delayedFreeze", Long.class, (ctx, amt) -> {
          tryInFlight.countDown();
          return delayed(deliverTry, lateTry, () -> db.call(ctx, kv -> {
            lateBusinessRan.set(true);
            kv.add("bal:A", -amt);
            kv.add("frz:A", amt);
            return Outcome.success();
          }));
        })
        .executor(pool).requestTimeout(Duration.ofMillis(300)));
    Supplier<BranchContext> cancel = // each delivery of the cancel has a context of its own
        () -> BranchContext.of("late-try", Mode.TCC, "01", BranchOp.CANCEL);

    assertThatThrownBy(() -> slow.tcc("late-try").execute(
        tcc -> tcc.branch("delayedFreeze", "payFrozen", "unfreeze", 30L)))
        .isInstanceOf(BranchFailedException.class);
    assertThat(tryInFlight.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(finish(slow, "late-try")).isEqualTo(TxStatus.FAILED);
    List<Future<Outcome>> cancels = List.of(
        pool.submit(() -> db.call(cancel.get(), kv -> Outcome.success())),
        pool.submit(() -> db.call(cancel.get(), kv -> Outcome.success())));
    for (Future<Outcome> f : cancels) {
      assertThat(f.get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    deliverTry.countDown(); // the engine's own try, held since before the cancels, arrives last
    Outcome arrived = lateTry.get(10, TimeUnit.SECONDS);

    assertThat(arrived.isSuccess()).as("the barrier answers the late try").isTrue();
    assertThat(lateBusinessRan).as("the late try's business ran").isFalse();
    assertThat(h.status("late-try")).isEqualTo(TxStatus.FAILED);
    List<String> calls = h.branchEvents.stream().filter(e -> e.gid().equals("late-try"))
        .map(e -> e.branchId() + " " + e.op().wireName() + " " + e.result()).toList();
    assertThat(calls).as("the engine never learns of the late answer, nor confirms")
        .filteredOn(call -> !call.startsWith("01 cancel")).containsExactly("01 try UNKNOWN");
    assertThat(calls).last().isEqualTo("01 cancel SUCCESS");
    balances(100, 0, 0);
  }

  /**
   * Waits for {@code manager} to finish {@code gid}; a call that timed out on a loaded machine is
   * retried by advancing the manual clock.
   */
  private TxStatus finish(TransactionManager manager, String gid) {
    TxStatus status = manager.await(gid, Duration.ofSeconds(10)).status();
    for (int i = 0; i < 5 && !status.isTerminal(); i++) {
      h.clock.advance(Duration.ofMinutes(11));
      manager.runRecoveryPass();
      status = manager.await(gid, Duration.ofSeconds(10)).status();
    }
    return status;
  }

  /**
   * A request still in flight after the engine gave up on it (and interrupted its thread): it
   * waits for {@code deliver}, reaches the participant, and reports what it answered to
   * {@code answered}.
   */
  private static Outcome delayed(CountDownLatch deliver, CompletableFuture<Outcome> answered,
      Callable<Outcome> request) throws Exception {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          assertThat(deliver.await(30, TimeUnit.SECONDS)).as("delivered in time").isTrue();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the engine's timeout; a request on the wire does not notice
        }
      }
      Outcome outcome = request.call();
      answered.complete(outcome);
      return outcome;
    } catch (Exception | Error e) {
      answered.completeExceptionally(e);
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void duplicates_ofEveryOp_haveOneEffect() throws Exception {
    String moved = saga(20);
    tcc("t-dup", 10);
    String undone = saga(60);
    assertThatThrownBy(() -> tcc("t-dup-cancel", 60)).isInstanceOf(BranchFailedException.class);
    String sent = tm.msg().add("credit", 20L).doAndSubmit(barrier(), db.asLocalWork(
        bank.payOut(20)));
    assertThat(List.of(moved, "t-dup", undone, "t-dup-cancel", sent)).map(h::status)
        .containsExactly(TxStatus.SUCCEEDED, TxStatus.SUCCEEDED, TxStatus.FAILED, TxStatus.FAILED,
            TxStatus.SUCCEEDED);
    balances(50, 0, 50);

    for (String branch : List.of("01", "02")) {
      redeliver(moved, Mode.SAGA, branch, BranchOp.ACTION);
      redeliver(undone, Mode.SAGA, branch, BranchOp.ACTION);
      redeliver(undone, Mode.SAGA, branch, BranchOp.COMPENSATE);
      redeliver("t-dup", Mode.TCC, branch, BranchOp.TRY);
      redeliver("t-dup", Mode.TCC, branch, BranchOp.CONFIRM);
      redeliver("t-dup-cancel", Mode.TCC, branch, BranchOp.TRY);
      redeliver("t-dup-cancel", Mode.TCC, branch, BranchOp.CANCEL);
    }
    redeliver(sent, Mode.MSG, "00", BranchOp.MSG);
    redeliver(sent, Mode.MSG, "01", BranchOp.ACTION);
    balances(50, 0, 50);
  }

  /**
   * Delivers {@code op} once more under the barrier, as a duplicate (or, after its undo, late)
   * message would: the barrier must answer SUCCESS without running any business.
   */
  private void redeliver(String gid, Mode mode, String branch, BranchOp op) throws Exception {
    KvBarrier.Work again = kv -> {
      throw new AssertionError("a duplicate " + op + " ran its business");
    };
    assertThat(db.call(BranchContext.of(gid, mode, branch, op), again).isSuccess())
        .as("%s %s of %s answered", branch, op, gid).isTrue();
  }

  @Test
  void msg_normal_deliversAfterTheLocalCommit() throws Exception {
    String gid = tm.msg().add("credit", 30L).doAndSubmit(barrier(), db.asLocalWork(
        bank.payOut(30)));
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void msg_localTransactionFails_neverDelivers() throws Exception {
    assertThatThrownBy(() -> tm.msg("m-refused").add("credit", 300L)
        .doAndSubmit(barrier(), db.asLocalWork(bank.payOut(300))))
        .isInstanceOf(BranchFailedException.class);
    assertThat(h.status("m-refused")).isEqualTo(TxStatus.FAILED);
    balances(100, 0, 0);
  }

  @Test
  void msg_diesAfterLocalCommitBeforeSubmit_isDeliveredByCheckBack() throws Exception {
    TransactionManager doomed = manager("doomed", Runnable::run);
    doomed.msg("m-orphan").add("credit", 30L).checkBack("barrier:db").prepare();
    db.call(BranchContext.of("m-orphan", Mode.MSG, "00", BranchOp.MSG), bank.payOut(30));
    doomed.halt();

    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();

    assertThat(h.status("m-orphan")).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void msg_commitReportsAnErrorAfterCommitting_isDeliveredByCheckBack() throws Exception {
    Barrier<Object> flaky = new Barrier<>() {
      @Override
      public Outcome call(BranchContext ctx, LocalWork<Object> work) throws Exception {
        db.call(ctx, bank.payOut(30));
        throw new java.sql.SQLException("connection reset during commit");
      }

      @Override
      public Outcome queryPrepared(String gid) throws Exception {
        return db.barrier().queryPrepared(gid);
      }
    };
    TransactionManager withFlaky = h.manager("flaky", b -> bank.register(b)
        .barrier("db", db.barrier()).barrier("flaky", flaky).executor(Runnable::run));

    String gid = withFlaky.msg().add("credit", 30L).doAndSubmit(flaky, tx -> Outcome.success());

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    balances(70, 0, 30);
  }

  @Test
  void msg_checkBackBeforeTheLocalTransaction_makesItFailToCommit() throws Exception {
    tm.msg("m-early").add("credit", 30L).checkBack("barrier:db").prepare();
    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();

    Outcome local = db.call(BranchContext.of("m-early", Mode.MSG, "00", BranchOp.MSG),
        bank.payOut(30));

    assertThat(local.isSuccess()).isFalse();
    assertThat(h.status("m-early")).isEqualTo(TxStatus.FAILED);
    balances(100, 0, 0);
  }

  @Test
  void msg_checkBackDuringTheLocalTransaction_agreesWithItsOutcome() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    TransactionManager initiator = manager("initiator", Runnable::run);
    KvBarrier.Work slowPayOut = kv -> {
      inside.countDown();
      finish.await(10, TimeUnit.SECONDS);
      return bank.payOut(30).run(kv);
    };
    Future<String> sent = pool.submit(() -> initiator.msg("m-race").add("credit", 30L)
        .doAndSubmit(barrier(), db.asLocalWork(slowPayOut)));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    h.clock.advance(Duration.ofSeconds(35));
    Future<Integer> checkBack = pool.submit(() -> tm.runRecoveryPass().size());
    finish.countDown();

    String outcome;
    try {
      outcome = sent.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      outcome = e.getCause().toString();
    }
    checkBack.get(20, TimeUnit.SECONDS);
    drain("m-race");

    boolean delivered = h.status("m-race") == TxStatus.SUCCEEDED;
    assertThat(db.value("bal:B")).as("delivered iff committed (%s)", outcome)
        .isEqualTo(delivered ? 30 : 0);
    assertThat(db.value("bal:A")).isEqualTo(delivered ? 70 : 100);
  }

  @SuppressWarnings("unchecked")
  private <T> Barrier<T> barrier() {
    return (Barrier<T>) db.barrier();
  }
}

package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static io.jdtm.BranchOp.MSG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.BranchFailedException;
import io.jdtm.BranchView;
import io.jdtm.DuplicateTransactionException;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.Behaviour;
import io.jdtm.testkit.MemoryBarrier;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * 2-phase messages on every store: delivered exactly when the local transaction commits, whether
 * the initiator submits or dies and recovery checks back.
 */
abstract class MsgCases {
  @Parameter StoreFixture fixture;

  Harness h;
  TransactionManager tm;
  final MemoryBarrier barrier = new MemoryBarrier();
  /** A barrier whose commit "fails" after it took effect. */
  final Barrier<MemoryBarrier.Tx> flaky = new Barrier<>() {
    @Override
    public Outcome call(BranchContext ctx, LocalWork<MemoryBarrier.Tx> work) throws Exception {
      barrier.call(ctx, work);
      throw new SQLException("connection reset while committing");
    }

    @Override
    public Outcome queryPrepared(String gid) throws Exception {
      return barrier.queryPrepared(gid);
    }
  };

  @BeforeEach
  void setUp() {
    h = new Harness(fixture);
    tm = manager("node-1");
  }

  private TransactionManager manager(String id) {
    return h.manager(id, b -> b.barrier("orders", barrier).barrier("flaky", flaky));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Barrier.LocalWork<MemoryBarrier.Tx> placeOrder(long amount) {
    return tx -> {
      tx.add("orders", amount);
      return Outcome.success();
    };
  }

  @Test
  void doAndSubmit_localCommit_deliversEveryAction() throws Exception {
    String gid = tm.msg().add("bankA", 1).add("bankB", 2).doAndSubmit(barrier, placeOrder(10));

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(barrier.value("orders")).isEqualTo(10);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(h.transitions(gid)).containsExactly("PREPARED->SUBMITTED", "SUBMITTED->SUCCEEDED");
  }

  @Test
  void submit_withoutPrepare_deliversEveryActionWithNoCheckBack() {
    h.a.script("01", ACTION, Behaviour.THROW);

    String gid = tm.msg().add("bankA", 1).add("bankB", 2).submit();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(2);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(tm.find(gid).orElseThrow().branches()).extracting(BranchView::op)
        .containsExactly(ACTION, ACTION);
    assertThat(h.transitions(gid)).containsExactly("SUBMITTED->SUCCEEDED");
  }

  @Test
  void submit_withoutPrepare_isDurableOnReturnAndDeliveredAfterAHalt() {
    TransactionManager deaf = h.manager("deaf", b -> b.executor(task -> {}));

    String gid = deaf.msg().add("bankA", 1).submit();
    deaf.halt();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(h.ledger.entries(gid)).isEmpty();

    assertThat(tm.runRecoveryPass().size()).as("lease still held").isZero();
    h.clock.advance(Harness.LEASE);
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
  }

  @Test
  void submit_withoutPrepare_twice_deliversOnceAndOtherContentIsRejected() {
    tm.msg("direct").add("bankA", 1).submit();
    tm.msg("direct").add("bankA", 1).submit();

    assertThat(h.ledger.calls("direct", "01", ACTION)).isEqualTo(1);
    assertThatThrownBy(() -> tm.msg("direct").add("bankA", 2).submit())
        .isInstanceOf(DuplicateTransactionException.class);
  }

  @Test
  void doAndSubmit_localRefusal_neverDelivers() {
    assertThatThrownBy(() -> tm.msg("refused").add("bankA", 1)
        .doAndSubmit(barrier, tx -> Outcome.failure("out of stock")))
        .isInstanceOf(BranchFailedException.class).hasMessageContaining("out of stock");

    assertThat(h.status("refused")).isEqualTo(TxStatus.FAILED);
    assertThat(h.ledger.entries("refused")).isEmpty();
  }

  @Test
  void diesAfterLocalCommitBeforeSubmit_checkBackDelivers() throws Exception {
    TransactionManager doomed = manager("doomed");
    TransactionManager survivor = manager("survivor");
    doomed.msg("orphan").add("bankA", 1).checkBack("barrier:orders").prepare();
    barrier.call(BranchContext.of("orphan", io.jdtm.Mode.MSG, "00", MSG), placeOrder(5));
    doomed.halt(); // no submit

    h.clock.advance(Duration.ofSeconds(35));
    survivor.runRecoveryPass();

    assertThat(h.status("orphan")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects("orphan", "01", ACTION)).isEqualTo(1);
    assertThat(barrier.value("orders")).isEqualTo(5);
  }

  @Test
  void diesBeforeLocalCommit_checkBackAbortsAndTheLocalTransactionCanNoLongerCommit()
      throws Exception {
    tm.msg("early").add("bankA", 1).checkBack("barrier:orders").prepare();

    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();
    Outcome late = barrier.call(BranchContext.of("early", io.jdtm.Mode.MSG, "00", MSG),
        placeOrder(5));

    assertThat(h.status("early")).as(h.store.load("early").toString()).isEqualTo(TxStatus.FAILED);
    assertThat(late.isSuccess()).isFalse();
    assertThat(barrier.value("orders")).isZero();
    assertThat(h.ledger.entries("early")).isEmpty();
  }

  @Test
  void commitReportsAnErrorAfterCommitting_isDeliveredAnyway() throws Exception {
    String gid = tm.msg().add("bankA", 1).doAndSubmit(flaky, placeOrder(3));

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(barrier.value("orders")).isEqualTo(3);
  }

  @Test
  void checkBackDuringTheLocalTransaction_waitsForItsOutcome() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    TransactionManager initiator = manager("initiator");
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> sent = threads.submit(() -> initiator.msg("racing").add("bankA", 1)
          .doAndSubmit(barrier, tx -> {
            inside.countDown();
            finish.await(10, TimeUnit.SECONDS);
            tx.add("orders", 7);
            return Outcome.success();
          }));
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      h.clock.advance(Duration.ofSeconds(35));
      Future<Integer> recovered = threads.submit(() -> tm.runRecoveryPass().size());
      finish.countDown();

      assertThat(sent.get(10, TimeUnit.SECONDS)).isEqualTo("racing");
      recovered.get(10, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();

    assertThat(barrier.value("orders")).isEqualTo(7);
    assertThat(h.status("racing")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects("racing", "01", ACTION)).isEqualTo(1);
  }

  @Test
  void checkBackBeforeTheCallersTransactionReachesTheBarrier_failsItsCommit() throws Exception {
    CountDownLatch businessWritten = new CountDownLatch(1);
    CountDownLatch checkedBack = new CountDownLatch(1);
    Barrier<MemoryBarrier.Tx> callers = businessFirst(7, businessWritten, checkedBack);
    TransactionManager initiator = h.manager("initiator", b -> b.barrier("callers", callers));
    TransactionManager checker = h.manager("checker", b -> b.barrier("callers", callers));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<String> sent = thread.submit(() -> initiator.msg("own-tx").add("bankA", 1)
          .doAndSubmit(callers, tx -> Outcome.success()));
      assertThat(businessWritten.await(10, TimeUnit.SECONDS)).isTrue();
      h.clock.advance(Duration.ofSeconds(35));
      checker.runRecoveryPass(); // no barrier row yet: the check-back's rollback row wins
      assertThat(h.status("own-tx")).isEqualTo(TxStatus.FAILED);
      checkedBack.countDown();

      assertThatThrownBy(() -> sent.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BranchFailedException.class)
          .hasMessageContaining("check-back rolled this message back");
    } finally {
      thread.shutdownNow();
    }
    h.clock.advance(Duration.ofMinutes(11));
    checker.runRecoveryPass();

    assertThat(h.status("own-tx")).isEqualTo(TxStatus.FAILED);
    assertThat(h.transitions("own-tx")).containsExactly("PREPARED->ABORTING", "ABORTING->FAILED");
    assertThat(barrier.value("orders")).isZero();
    assertThat(h.ledger.entries("own-tx")).isEmpty();
  }

  /**
   * A local transaction of the caller's own that writes its business before it reaches the
   * barrier, as with {@code JdbcBarrier.call(connection, ctx, work)}. The memory barrier only runs
   * transactions of its own, so the caller's uncommitted writes are kept aside and applied in the
   * barrier's transaction: they commit if and only if the barrier's row does. Between the two it
   * signals {@code written} and waits for {@code resume}.
   */
  private Barrier<MemoryBarrier.Tx> businessFirst(long orders, CountDownLatch written,
      CountDownLatch resume) {
    return new Barrier<>() {
      @Override
      public Outcome call(BranchContext ctx, LocalWork<MemoryBarrier.Tx> work) throws Exception {
        Map<String, Long> uncommitted = Map.of("orders", orders);
        written.countDown();
        assertThat(resume.await(10, TimeUnit.SECONDS)).as("resumed").isTrue();
        return barrier.call(ctx, tx -> {
          uncommitted.forEach(tx::add);
          return work.run(tx);
        });
      }

      @Override
      public Outcome queryPrepared(String gid) {
        return barrier.queryPrepared(gid);
      }
    };
  }

  @Test
  void checkBackAnsweringOngoing_keepsItPreparedThenDelivers() {
    h.c.script("00", MSG, Behaviour.ONGOING);
    tm.msg("slow").add("bankA", 1).checkBack("bankC").prepare();

    h.clock.advance(Duration.ofSeconds(35));
    tm.runRecoveryPass();
    assertThat(h.status("slow")).isEqualTo(TxStatus.PREPARED);
    h.clock.advance(Harness.RETRY);
    tm.runRecoveryPass();

    assertThat(h.status("slow")).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void delivery_isRetriedUntilItSucceeds() {
    h.b.script("02", ACTION, Behaviour.FAILURE, Behaviour.THROW);
    String gid = tm.msg().add("bankA", 1).add("bankB", 2).checkBack("bankC").prepare();
    tm.msg(gid).add("bankA", 1).add("bankB", 2).checkBack("bankC").submit();

    for (int i = 0; i < 2; i++) {
      h.clock.set(tm.find(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(3);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
  }

  @Test
  void prepare_withoutCheckBack_isRejected() {
    assertThatThrownBy(() -> tm.msg().add("bankA", 1).prepare())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("check-back");
    assertThatThrownBy(() -> tm.msg().add("bankA", 1).doAndSubmit(new MemoryBarrier(),
        placeOrder(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("register the barrier");
  }
}

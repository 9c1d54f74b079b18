package io.jdtm.it;

import static io.jdtm.BranchOp.CONFIRM;
import static io.jdtm.BranchOp.TRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchEvent;
import io.jdtm.BranchFailedException;
import io.jdtm.InvalidTransactionException;
import io.jdtm.JdtmException;
import io.jdtm.Mode;
import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxUpdate;
import io.jdtm.store.memory.MemoryStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review 2: TCC defects (memory store, calling-thread executor unless said otherwise). */
class TccEdgeCasesTest {
  private Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  /**
   * Msg.submit() resolves any PREPARED gid, whatever its mode: releasing a "message" by a gid
   * that is a TCC still in its body commits the TCC, and the body's exception no longer rolls it
   * back although execute() rethrows it as if it had.
   */
  @Test
  void msgSubmit_onTheGidOfARunningTcc_mustNotCommitTheTcc() {
    h = new Harness();
    TransactionManager tm = h.manager("n1");
    AtomicReference<Throwable> submitError = new AtomicReference<>();

    assertThatThrownBy(() -> tm.tcc("order-1").execute(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      try {
        tm.msg("order-1").submit(); // e.g. an outbox relay releasing "its" message by gid
      } catch (RuntimeException e) {
        submitError.set(e);
      }
      throw new IllegalStateException("out of stock");
    })).isInstanceOf(IllegalStateException.class);

    // The body threw: the TCC must roll back, never confirm.
    assertThat(h.ledger.effects("order-1", "01", CONFIRM)).isZero();
    assertThat(h.status("order-1")).isEqualTo(TxStatus.FAILED);
    assertThat(submitError.get()).isInstanceOf(InvalidTransactionException.class);
  }

  /**
   * A body that catches a failed try and returns normally gets every registered branch
   * confirmed, including the one whose try refused: I-10 (confirm only if all tries succeeded)
   * and I-7 (money conserved) break, although the session knows the try failed.
   */
  @Test
  void bodySwallowingAFailedTry_mustNotConfirmThatBranch() throws Exception {
    h = new Harness();
    KvBank bank = new KvBank(new MemoryKvBarrier());
    bank.open();
    TransactionManager tm = h.manager("n1", bank::register);

    try {
      tm.tcc("t-swallow").execute(tcc -> {
        try {
          tcc.branch("freeze", "payFrozen", "unfreeze", 500L); // alice has only 100
        } catch (BranchFailedException refused) {
          // e.g. logged and carried on
        }
      });
    } catch (RuntimeException expectedAfterAFix) {
      // a fixed execute() would refuse to submit
    }

    assertThat(h.ledger.effects("t-swallow", "01", CONFIRM)).isZero(); // no ledger: KvBank
    assertThat(bank.total()).as("money conserved; balances " + bank.balances())
        .isEqualTo(KvBank.OPENING);
    assertThat(h.status("t-swallow")).isEqualTo(TxStatus.FAILED);
  }

  /**
   * Each joinTcc(ctx) is a new session counting from 01, so a try that joins twice (a helper per
   * nested resource) gets the id 01-01 twice: the second, different, nested branch is refused as
   * "registered already" and the whole TCC aborts.
   */
  @Test
  void joinTccTwiceInOneTry_registersTwoDistinctNestedBranches() {
    h = new Harness();
    AtomicReference<TransactionManager> self = new AtomicReference<>();
    TransactionManager tm = h.manager("n1", b -> b.handler("twoNested", Object.class,
        (ctx, p) -> {
          self.get().joinTcc(ctx).branch("bankB", "bankB", "bankB", 1);
          self.get().joinTcc(ctx).branch("bankC", "bankC", "bankC", 2);
          return h.a.handle(ctx);
        }));
    self.set(tm);

    assertThatCode(() -> tm.tcc("nested-2").execute(
        tcc -> tcc.branch("twoNested", "bankA", "bankA", 0))).doesNotThrowAnyException();
    assertThat(h.status("nested-2")).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects("nested-2", "01-01", CONFIRM)).isEqualTo(1);
    assertThat(h.ledger.effects("nested-2", "01-02", CONFIRM)).isEqualTo(1);
  }

  /**
   * Joined sessions were kept JVM-wide: another manager (here on its own store) handed out this
   * manager's session for the context instead of looking the gid up in its own store.
   */
  @Test
  void joinTcc_throughAnotherManager_doesNotJoinThisManagersSession() {
    h = new Harness();
    AtomicReference<TransactionManager> self = new AtomicReference<>();
    AtomicReference<Throwable> strangerJoin = new AtomicReference<>();
    try (Harness other = new Harness()) {
      TransactionManager stranger = other.manager("n2");
      TransactionManager tm = h.manager("n1", b -> b.handler("nestingTry", Object.class,
          (ctx, p) -> {
            self.get().joinTcc(ctx);
            try {
              stranger.joinTcc(ctx);
            } catch (RuntimeException e) {
              strangerJoin.set(e);
            }
            return h.a.handle(ctx);
          }));
      self.set(tm);

      tm.tcc("joined-1").execute(tcc -> tcc.branch("nestingTry", "bankA", "bankA", 1));

      assertThat(strangerJoin.get()).isInstanceOf(InvalidTransactionException.class)
          .hasMessageContaining("no transaction with this gid");
      assertThat(h.status("joined-1")).isEqualTo(TxStatus.SUCCEEDED);
    }
  }

  /**
   * joinTcc's Javadoc promises InvalidTransactionException unless the context is the try of a
   * PREPARED TCC branch; on a finished TCC it returns a session, and a re-registration of an
   * existing nested id skips the status check and calls the nested try again after the end.
   */
  @Test
  void joinTcc_onAFinishedTransaction_isRejectedAndCallsNoTry() {
    h = new Harness();
    AtomicReference<TransactionManager> self = new AtomicReference<>();
    TransactionManager tm = h.manager("n1", b -> b.handler("nestingTry", Object.class,
        (ctx, p) -> {
          self.get().joinTcc(ctx).branch("bankC", "bankC", "bankC", 5);
          return h.a.handle(ctx);
        }));
    self.set(tm);
    assertThatThrownBy(() -> tm.tcc("ended").execute(tcc -> {
      tcc.branch("nestingTry", "bankA", "bankA", 5);
      throw new IllegalStateException("abort");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(h.status("ended")).isEqualTo(TxStatus.FAILED);
    long nestedTries = h.ledger.calls("ended", "01-01", TRY);

    // The parent's try delivered again (a retried HTTP request, say), after the end.
    BranchContext lateParentTry = BranchContext.of("ended", Mode.TCC, "01", TRY);
    assertThatThrownBy(() -> tm.joinTcc(lateParentTry).branch("bankC", "bankC", "bankC", 5))
        .isInstanceOf(InvalidTransactionException.class);
    assertThat(h.ledger.calls("ended", "01-01", TRY)).isEqualTo(nestedTries);
  }

  /**
   * The store reports a failure after the SUBMITTED write landed: execute() throws (a
   * JdtmException, which its Javadoc names for "recovery aborted the transaction") although the
   * TCC is durably SUBMITTED, and nothing drives the confirms until the lease runs out. The
   * runner reads such writes back (TxRunner.landed); resolvePrepared does not.
   */
  @Test
  void submitWriteFailingAfterItLanded_executeReturnsAndConfirms() {
    AtomicBoolean failAfterSubmit = new AtomicBoolean(true);
    h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public boolean update(TxUpdate update) {
        boolean done = delegate.update(update);
        if (done && update.status() == TxStatus.SUBMITTED && failAfterSubmit.getAndSet(false)) {
          throw new StoreUnavailableException("connection reset after commit", update.gid(),
              null);
        }
        return done;
      }
    });
    TransactionManager tm = h.manager("n1");

    Throwable thrown = null;
    try {
      tm.tcc("ambiguous").execute(tcc -> tcc.branch("bankA", "bankA", "bankA", 1));
    } catch (JdtmException e) {
      thrown = e;
    }

    assertThat(h.status("ambiguous")).isNotEqualTo(TxStatus.PREPARED); // it did commit
    assertThat(thrown).as("execute() reported a committed TCC as failed").isNull();
    assertThat(h.status("ambiguous")).isEqualTo(TxStatus.SUCCEEDED);
  }

  /**
   * A try is awaited at most requestTimeout + 250 ms, and "a hung handler times out" (Javadoc
   * of BranchInvoker). With an executor whose threads are busy, PendingCall steals the queued try
   * after 2 ms and runs it on the body's thread, where nothing bounds it: the body hangs as long
   * as the handler does (here: until the test lets it go).
   */
  @Test
  void tryOnASaturatedExecutor_stillTimesOutAfterTheRequestTimeout() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch hang = new CountDownLatch(1);
    try {
      pool.execute(() -> await(busy)); // another transaction's long call holds the only thread
      h = new Harness();
      TransactionManager tm = h.manager("n1", b -> b.executor(pool)
          .requestTimeout(Duration.ofMillis(200)).lease(Duration.ofSeconds(30))
          .handler("hangs", Object.class, (ctx, p) -> {
            await(hang);
            return io.jdtm.Outcome.success();
          }));

      CompletableFuture<Throwable> body = CompletableFuture.supplyAsync(() -> {
        try {
          tm.tcc("hung-try").execute(tcc -> tcc.branch("hangs", "bankA", "bankA", 1));
          return null;
        } catch (RuntimeException e) {
          return e;
        }
      }, caller);

      Throwable outcome;
      try {
        outcome = body.get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        outcome = e;
      }
      assertThat(outcome).as("the try should have timed out after ~450 ms")
          .isInstanceOf(BranchFailedException.class);
    } finally {
      hang.countDown();
      busy.countDown();
      pool.shutdownNow();
      caller.shutdownNow();
    }
  }

  /** "A TransactionListener sees every ... retry with its attempt count": not the tries. */
  @Test
  void listener_seesTheTryCalls() {
    h = new Harness();
    TransactionManager tm = h.manager("n1");
    String gid = tm.tcc(tcc -> tcc.branch("bankA", "bankA", "bankA", 1));

    assertThat(h.branchEvents).filteredOn(e -> e.gid().equals(gid)).extracting(BranchEvent::op)
        .contains(TRY, CONFIRM);
  }

  /**
   * A saga has at most 1000 steps and a message 1000 actions; a TCC body may register branches
   * without bound, each registration rewriting a record that only grows (quadratic in the
   * memory store) and every recovery pass loading all of it.
   */
  @Test
  void tcc_hasTheSameBranchBoundAsSagasAndMessages() {
    h = new Harness();
    TransactionManager tm = h.manager("n1");

    assertThatThrownBy(() -> tm.tcc("huge").execute(tcc -> {
      for (int i = 0; i < 1001; i++) {
        tcc.branch("bankA", "bankA", "bankA", i);
      }
    })).isInstanceOf(InvalidTransactionException.class);
  }

  /**
   * A body ending in InterruptedException: execute() wraps it in a JdtmException and the
   * thread's interrupt status is lost (neither restored nor visible in the type).
   */
  @Test
  void bodyInterrupted_keepsTheThreadsInterruptStatus() {
    h = new Harness();
    TransactionManager tm = h.manager("n1");

    assertThatThrownBy(() -> tm.tcc("interrupted").execute(tcc -> {
      tcc.branch("bankA", "bankA", "bankA", 1);
      throw new InterruptedException("shutdown");
    })).isInstanceOf(JdtmException.class);
    assertThat(Thread.interrupted()).as("interrupt status restored").isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.jdtm.store.memory.MemoryStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Review 2: Engine.submit's restart of "unstarted" records. isUnstarted() trusts the `driving`
 * set, but the first submit adds its gid only in dispatch(), after create() returned: a second
 * submit of the same saga in that window restarts it too, and both drives call the first action
 * (I-13: submitting the same gid again re-runs nothing).
 */
class SubmitRaceTest {
  @Test
  void concurrentSubmitsOfOneSaga_callTheActionOnce() throws Exception {
    CountDownLatch created = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public CreateResult create(TxRecord record) {
        CreateResult result = delegate.create(record);
        if (first.getAndSet(false)) {
          created.countDown(); // the first submit is between create() and dispatch()
          waitFor(release);
        }
        return result;
      }
    })) {
      TransactionManager tm = h.manager("n1");
      CompletableFuture<String> firstSubmit = CompletableFuture.supplyAsync(
          () -> tm.saga("pay-1").step("bankA", "bankA", 30).submit());
      assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();

      tm.saga("pay-1").step("bankA", "bankA", 30).submit(); // e.g. a client's retry
      release.countDown();
      firstSubmit.get(10, TimeUnit.SECONDS);

      assertThat(h.status("pay-1")).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(h.ledger.calls("pay-1", "01", ACTION)).isEqualTo(1);
    }
  }

  /**
   * The submit holding the gid fails in create() after a concurrent submit of the same saga
   * stored it: the one that stored it left the start to the holder, so the saga must start now,
   * not after its lease.
   */
  @Test
  void concurrentSubmits_holderFailsToCreate_startsTheStoredSagaAtOnce() throws Exception {
    assertTheSagaStartsAtOnceWhenTheHolderFails("pay-2", false);
  }

  /**
   * The submit holding the gid writes the record, but its create then fails (the answer is
   * lost); a concurrent submit of the same saga finds the record stored: the saga must start when
   * the holder lets go, not after its lease.
   */
  @Test
  void concurrentSubmits_holderCreateWritesThenFails_startsTheStoredSagaAtOnce()
      throws Exception {
    assertTheSagaStartsAtOnceWhenTheHolderFails("pay-3", true);
  }

  /**
   * The first submit of {@code gid} holds it and, in create() (after writing the record when
   * {@code holderWrites}), waits for a second submit of the same saga, then fails.
   */
  private static void assertTheSagaStartsAtOnceWhenTheHolderFails(String gid,
      boolean holderWrites) throws Exception {
    CountDownLatch holderInCreate = new CountDownLatch(1);
    CountDownLatch otherSubmitted = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public CreateResult create(TxRecord record) {
        if (!first.getAndSet(false)) {
          return delegate.create(record);
        }
        if (holderWrites) {
          delegate.create(record);
        }
        holderInCreate.countDown();
        waitFor(otherSubmitted);
        throw new IllegalStateException("connection reset");
      }
    })) {
      TransactionManager tm = h.manager("n1");
      CompletableFuture<String> holder = CompletableFuture.supplyAsync(
          () -> tm.saga(gid).step("bankA", "bankA", 30).submit());
      assertThat(holderInCreate.await(10, TimeUnit.SECONDS)).isTrue();

      tm.saga(gid).step("bankA", "bankA", 30).submit(); // the holder has the gid
      otherSubmitted.countDown();

      assertThatThrownBy(() -> holder.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StoreUnavailableException.class);
      assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED); // no clock advanced
      assertThat(h.ledger.calls(gid, "01", ACTION)).isEqualTo(1);
    }
  }

  /**
   * A resubmit reads the stored saga while the first submit drives it, and acts on what it read
   * only after that submit has finished the saga and let go of the gid: the stale copy must not
   * start the saga again (its action would run a second time).
   */
  @Test
  void resubmit_readBeforeTheFirstSubmitFinished_doesNotStartTheSagaAgain() throws Exception {
    CountDownLatch firstCreated = new CountDownLatch(1);
    CountDownLatch resubmitRead = new CountDownLatch(1);
    CountDownLatch firstReturned = new CountDownLatch(1);
    AtomicBoolean firstUpdate = new AtomicBoolean(true);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public CreateResult create(TxRecord record) {
        CreateResult result = delegate.create(record);
        if (result.created()) {
          firstCreated.countDown();
        } else {
          resubmitRead.countDown();
          waitFor(firstReturned); // the first submit finishes the saga meanwhile
        }
        return result;
      }

      @Override
      public boolean update(TxUpdate update) {
        if (firstUpdate.getAndSet(false)) {
          waitFor(resubmitRead); // the resubmit has read the unstarted record
        }
        return delegate.update(update);
      }
    })) {
      TransactionManager tm = h.manager("n1");
      CompletableFuture<Void> first = CompletableFuture.supplyAsync(
          () -> tm.saga("pay-4").step("bankA", "bankA", 30).submit())
          .thenRun(firstReturned::countDown);
      assertThat(firstCreated.await(10, TimeUnit.SECONDS)).isTrue();

      tm.saga("pay-4").step("bankA", "bankA", 30).submit();
      first.get(10, TimeUnit.SECONDS);

      assertThat(h.status("pay-4")).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(h.ledger.calls("pay-4", "01", ACTION)).isEqualTo(1);
    }
  }
}

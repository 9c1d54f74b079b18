package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.StoreUnavailableException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;
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
    CountDownLatch holderInCreate = new CountDownLatch(1);
    CountDownLatch otherStored = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public CreateResult create(TxRecord record) {
        if (!first.getAndSet(false)) {
          return delegate.create(record);
        }
        holderInCreate.countDown();
        waitFor(otherStored);
        throw new IllegalStateException("connection reset");
      }
    })) {
      TransactionManager tm = h.manager("n1");
      CompletableFuture<String> holder = CompletableFuture.supplyAsync(
          () -> tm.saga("pay-2").step("bankA", "bankA", 30).submit());
      assertThat(holderInCreate.await(10, TimeUnit.SECONDS)).isTrue();

      tm.saga("pay-2").step("bankA", "bankA", 30).submit(); // stores it; the holder has the gid
      otherStored.countDown();

      assertThatThrownBy(() -> holder.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StoreUnavailableException.class);
      assertThat(h.status("pay-2")).isEqualTo(TxStatus.SUCCEEDED); // no clock advanced
      assertThat(h.ledger.calls("pay-2", "01", ACTION)).isEqualTo(1);
    }
  }
}

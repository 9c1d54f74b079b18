package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxUpdate;
import io.jdtm.store.memory.MemoryStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A recovery pass on the instance that is still driving a transaction. */
class RecoveryPassTest {
  /**
   * The first write of a saga waits on the store past the lease: a recovery pass of the same
   * instance claimed it and drove it a second time, alongside the driver still waiting. It must
   * leave it to that driver, which goes on with the claimed record once its own write is
   * rejected, with no further clock advance.
   */
  @Test
  void runRecoveryPass_whileAWriteOfThisInstanceWaitsPastTheLease_leavesItToItsDriver()
      throws Exception {
    CountDownLatch writeWaiting = new CountDownLatch(1);
    CountDownLatch storeAnswers = new CountDownLatch(1);
    AtomicBoolean holdNext = new AtomicBoolean(true);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public boolean update(TxUpdate update) {
        if (holdNext.getAndSet(false)) {
          writeWaiting.countDown();
          waitFor(storeAnswers);
        }
        return delegate.update(update);
      }
    })) {
      TransactionManager tm = h.manager("n1");
      CompletableFuture<String> submit = CompletableFuture.supplyAsync(
          () -> tm.saga("slow-1").step("bankA", "bankA", 30).submit());
      assertThat(writeWaiting.await(10, TimeUnit.SECONDS)).isTrue();
      h.clock.advance(Harness.LEASE.plusSeconds(1));

      assertThat(tm.runRecoveryPass().size()).isZero();
      assertThat(h.ledger.calls("slow-1", "01", ACTION)).isEqualTo(1);

      storeAnswers.countDown();
      submit.get(10, TimeUnit.SECONDS);
      assertThat(h.status("slow-1")).isEqualTo(TxStatus.SUCCEEDED);
      // The round the claim overtook is made once more, after the first driver let go.
      assertThat(h.ledger.calls("slow-1", "01", ACTION)).isEqualTo(2);
      assertThat(h.ledger.effects("slow-1", "01", ACTION)).isEqualTo(1);
    }
  }
}

package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jdtm.TransactionManager;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxRecord;
import io.jdtm.store.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Waiters of a manager share at most 8 store reads in flight. A waiter that finds every reader
 * busy must ask again, not wait out its timeout: on a slow but healthy store, every await gets its
 * answer.
 */
class AwaitReadersTest {
  private static final int READERS = 8;

  @Test
  void await_moreWaitersThanReadersOnASlowStore_everyOneGetsItsStatus() throws Exception {
    AtomicBoolean slow = new AtomicBoolean();
    CountDownLatch readsInFlight = new CountDownLatch(READERS);
    CountDownLatch storeAnswers = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(READERS + 1);
    try (Harness h = new Harness(new DelegatingStore(new MemoryStore()) {
      @Override
      public Optional<TxRecord> load(String gid) {
        if (slow.get()) {
          readsInFlight.countDown();
          waitFor(storeAnswers); // a slow store: every reader busy
        }
        return delegate.load(gid);
      }
    })) {
      TransactionManager tm = h.manager("n1");
      List<String> gids = new ArrayList<>();
      for (int i = 0; i <= READERS; i++) {
        gids.add(tm.saga("await-" + i).step("bankA", "bankA", 30).submit());
      }
      slow.set(true);
      List<Future<TxResult>> results = new ArrayList<>();
      for (String gid : gids.subList(0, READERS)) {
        results.add(callers.submit(() -> tm.await(gid, Duration.ofSeconds(20))));
      }
      assertThat(readsInFlight.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicReference<Thread> last = new AtomicReference<>();
      results.add(callers.submit(() -> {
        last.set(Thread.currentThread());
        return tm.await(gids.get(READERS), Duration.ofSeconds(20));
      }));
      await().atMost(Duration.ofSeconds(10)).until(() -> last.get() != null
          && last.get().getState() == Thread.State.TIMED_WAITING); // turned away by busy readers
      storeAnswers.countDown();

      for (Future<TxResult> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(TxStatus.SUCCEEDED);
      }
    } finally {
      callers.shutdownNow();
    }
  }
}

package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * A manager paused for twice the lease while it holds a transaction (its thread stuck inside a
 * branch call): another manager takes over and finishes; when the paused one wakes, every write
 * it tries is rejected and the barrier absorbs its late branch call.
 */
abstract class PausedHolderCases {
  @Parameter StoreFixture fixture;

  private Harness h;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() {
    h = new Harness(fixture.open());
  }

  @AfterEach
  void tearDown() {
    h.close();
    pool.shutdownNow();
  }

  @Test
  void holderPausedPastItsLease_isFencedOffAndItsLateCallHasNoEffect() throws Exception {
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch wake = new CountDownLatch(1);
    AtomicBoolean pauseOnce = new AtomicBoolean(true);
    h.b.beforeAnswer(ctx -> {
      // The first call of step 02 is the paused holder's: the taker runs only after it.
      if (ctx.op() == ACTION && ctx.branchId().equals("02") && pauseOnce.getAndSet(false)) {
        paused.countDown();
        await(wake);
      }
    });
    CountingStore pausedView = new CountingStore(h.store);
    TransactionManager slow = h.manager("paused", b -> b.store(pausedView)
        .executor(pool)
        .requestTimeout(Duration.ofSeconds(60)).lease(Duration.ofMinutes(2)));
    TransactionManager fast = h.manager("taker");
    String gid = slow.saga()
        .step("bankA", "bankA", new Transfer("A", -5))
        .step("bankB", "bankB", new Transfer("B", 5))
        .submit();
    assertThat(paused.await(10, TimeUnit.SECONDS)).as("paused in step 02").isTrue();
    long writesBeforeWake = pausedView.acceptedWrites.get();

    h.clock.advance(Duration.ofMinutes(2).multipliedBy(2));
    assertThat(fast.runRecoveryPass().size()).isEqualTo(1);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    wake.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> slow.find(gid).isPresent() && pausedView.rejectedWrites.get() > 0);

    assertThat(pausedView.acceptedWrites.get()).as("writes accepted after the pause")
        .isEqualTo(writesBeforeWake);
    assertThat(h.ledger.calls(gid, "02", ACTION)).isEqualTo(2);
    assertThat(h.ledger.effects(gid, "02", ACTION)).isEqualTo(1);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

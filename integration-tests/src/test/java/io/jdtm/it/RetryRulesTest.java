package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.testkit.Behaviour;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DESIGN 6 retry rules. */
class RetryRulesTest {
  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness();
    tm = h.manager("node-1");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /**
   * "ONGOING retries at retryInterval without growth"; Backoff.afterUnknown documents its
   * argument as the count of *consecutive unknown* outcomes. Retries.progress passes the total
   * attempt count instead, so five ONGOING answers make the first unknown outcome wait
   * 2^6 x 10 s = 640 s (jittered) instead of the first step of the schedule, ~20 s.
   */
  @Test
  void firstUnknownAfterOngoingAnswers_waitsTheFirstBackoffStepNotAGrownOne() {
    h.a.script("01", ACTION, Behaviour.ONGOING, Behaviour.ONGOING, Behaviour.ONGOING,
        Behaviour.ONGOING, Behaviour.ONGOING, Behaviour.THROW);
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    for (int i = 0; i < 5; i++) {
      h.clock.set(h.store.load(gid).orElseThrow().nextDueAt());
      tm.runRecoveryPass();
    }
    BranchRecord action = h.store.load(gid).orElseThrow().branch("01", ACTION).orElseThrow();
    assertThat(action.attempts()).isEqualTo(6);
    assertThat(action.lastError()).contains("scripted THROW");

    Duration delay = Duration.between(h.clock.instant(), action.retryAt());
    assertThat(delay).as("delay after the first unknown outcome")
        .isBetween(Duration.ofSeconds(15), Harness.RETRY.multipliedBy(2));
  }

  /**
   * A Java handler that never returns: BranchContext.deadline() says it is when "the manager
   * stops waiting for this call" and DESIGN 2 says a timeout is an unknown outcome. The manager
   * never stops waiting: no outcome is ever recorded, the thread and the in-flight slot are held
   * forever, and every lease the recovery loop calls the handler again on a new thread.
   */
  @Test
  void hungJavaHandler_isAnUnknownOutcomeAfterTheRequestTimeout() throws Exception {
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      TransactionManager node = h.manager("node-2", b -> b.executor(pool)
          .requestTimeout(Duration.ofMillis(200))
          .handler("hang", Object.class, (ctx, p) -> {
            never.await();
            return io.jdtm.Outcome.success();
          }));
      String gid = node.saga().step("hang", "bankA", new Transfer("A", 1)).submit();

      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
      while (h.branchEvents.isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(h.branchEvents).as("an outcome for %s within 3 s of a 200 ms timeout", gid)
          .isNotEmpty();
    } finally {
      never.countDown();
      pool.shutdownNow();
    }
  }

  /**
   * With a "forever" timeoutToFail (ChronoUnit.FOREVER) Retries.deadline would overflow Instant
   * on every drive: such a timeout is refused when set, before anything is stored, and the
   * longest one accepted (ten years) runs the saga.
   */
  @Test
  void hugeTimeoutToFail_isRefusedWhenSet_andTheLongestAcceptedIsHonoured() {
    assertThatThrownBy(() -> tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .timeoutToFail(java.time.temporal.ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutToFail");
    assertThat(h.store.query(io.jdtm.spi.TxQuery.all(10)).records()).isEmpty();

    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .timeoutToFail(Duration.ofDays(3650))
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
  }

  /** Same for a per-saga requestTimeout (BranchInvoker's now.plus(timeout) would overflow). */
  @Test
  void hugeRequestTimeout_isRefusedWhenSet_andTheLongestAcceptedIsHonoured() {
    assertThatThrownBy(() -> tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .requestTimeout(Duration.ofSeconds(Long.MAX_VALUE / 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
    assertThat(h.store.query(io.jdtm.spi.TxQuery.all(10)).records()).isEmpty();

    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .requestTimeout(Duration.ofDays(1))
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(h.ledger.effects(gid, "01", ACTION)).isEqualTo(1);
  }
}

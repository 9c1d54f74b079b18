package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handler calls never hold a thread they must not: a concurrent round's calls stay bounded by the
 * request timeout when submitAndWait drives on the caller's thread and the executor refuses them,
 * and a recovery pass never runs a handler on its own thread, so one that ignores interrupts
 * cannot hold recovery up. The bounds are liveness limits far above the timeouts.
 */
class DrivingThreadBoundsTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(100);
  /** How long the slow handlers take; far above every timeout here. */
  private static final long SLOW_MILLIS = 4_000;
  /** A liveness bound: above the timeouts, well below the slow handlers' time. */
  private static final Duration BOUND = Duration.ofMillis(2_500);

  private final Harness h = new Harness();
  private ExecutorService pool;

  @AfterEach
  void tearDown() {
    h.close();
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Test
  void submitAndWait_concurrentRoundOnARefusingExecutor_returnsWithinItsTimeout() {
    TransactionManager tm = h.manager("n1", b -> b.requestTimeout(REQUEST_TIMEOUT)
        .executor(task -> {
          throw new RejectedExecutionException("saturated");
        })
        .handler("slow", Integer.class, (ctx, payload) -> {
          TimeUnit.MILLISECONDS.sleep(SLOW_MILLIS); // answers the interrupt
          return Outcome.success();
        }));

    assertTimeoutPreemptively(BOUND, () -> tm.saga("slow-1").concurrent()
        .step("slow", "slow", 1).step("slow", "slow", 2).submitAndWait(Duration.ofSeconds(1)));

    assertThat(h.status("slow-1")).isEqualTo(TxStatus.SUBMITTED);
  }

  @Test
  void recoveryPass_handlerIgnoringInterrupts_doesNotHoldThePass() {
    TransactionManager crashed = h.manager("n1", b -> b.requestTimeout(REQUEST_TIMEOUT)
        .executor(task -> {
      throw new RejectedExecutionException("left to recovery");
    }).handler("spin", Integer.class, (ctx, payload) -> Outcome.success()));
    crashed.saga("stuck-1").step("spin", "spin", 1).submit();
    crashed.halt();
    h.clock.advance(Harness.LEASE.plusSeconds(1));
    pool = Executors.newCachedThreadPool();
    TransactionManager recovering = h.manager("n2", b -> b.requestTimeout(REQUEST_TIMEOUT)
        .executor(pool)
        .handler("spin", Integer.class, (ctx, payload) -> {
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS);
          while (System.nanoTime() - end < 0) {
            Thread.onSpinWait(); // ignores its interrupt
          }
          return Outcome.success();
        }));

    List<String> driven = assertTimeoutPreemptively(BOUND, recovering::runRecoveryPass).gids();

    assertThat(driven).containsExactly("stuck-1");
  }
}

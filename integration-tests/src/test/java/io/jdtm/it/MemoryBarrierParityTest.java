package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.testkit.MemoryBarrier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review 2: MemoryBarrier claims "the same rules as the JDBC barrier", but (1) it runs every
 * business under one global lock, so a slow local transaction of one gid blocks every other gid's
 * calls and check-backs (JDBC serializes per key only; a nested TCC whose parent try runs under
 * the barrier waits out its request timeout), and (2) it validates nothing the JDBC barrier
 * rejects before any SQL.
 *
 * <p>Several barrier calls in one delivery of a branch op are the testkit's {@code
 * BarrierContract}, which both barriers pass.
 */
class MemoryBarrierParityTest {
  @Test
  void callsOfDifferentGids_doNotWaitForEachOther() throws Exception {
    MemoryBarrier barrier = new MemoryBarrier();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      pool.submit(() -> barrier.call(BranchContext.of("slow", Mode.SAGA, "01", BranchOp.ACTION),
          tx -> {
            inside.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Outcome.success();
          }));
      assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Outcome> other = CompletableFuture.supplyAsync(() -> {
        try {
          return barrier.call(BranchContext.of("other", Mode.SAGA, "01", BranchOp.ACTION),
              tx -> Outcome.success());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, pool);
      Outcome outcome;
      try {
        outcome = other.get(2, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        outcome = null;
      }
      assertThat(outcome).as("an unrelated gid's call waited for another's business").isNotNull();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void msgOpOutsideBranch00OfAMessage_isRejectedAsByTheJdbcBarrier() {
    MemoryBarrier barrier = new MemoryBarrier();

    assertThatThrownBy(() -> barrier.call(BranchContext.of("g", Mode.SAGA, "01", BranchOp.MSG),
        tx -> Outcome.success())).isInstanceOf(InvalidTransactionException.class);
    assertThatThrownBy(() -> barrier.call(BranchContext.of("bad gid!", Mode.SAGA, "01",
        BranchOp.ACTION), tx -> Outcome.success())).isInstanceOf(InvalidTransactionException.class);
  }
}

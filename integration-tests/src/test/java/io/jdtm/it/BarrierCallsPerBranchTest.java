package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.testkit.MemoryBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, section 3, through the manager: a handler that makes two barrier calls in one branch
 * op (two local effects, as DTM allows) has each take effect once, also when its first delivery's
 * answer is lost and the manager calls it again.
 */
class BarrierCallsPerBranchTest {
  private final MemoryBarrier barrier = new MemoryBarrier();
  private final AtomicInteger lostAnswers = new AtomicInteger();
  private Harness h;
  private TransactionManager tm;

  @BeforeEach
  void setUp() {
    h = new Harness();
    tm = h.manager("n1", b -> b
        .handler("creditTwice", Long.class, this::creditTwice)
        .handler("debitTwice", Long.class, (ctx, amount) -> creditTwice(ctx, -amount))
        .handler("refuse", Long.class, (ctx, amount) -> Outcome.failure("refused"))
        .handler("noop", Long.class, (ctx, amount) -> Outcome.success()));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Two barrier calls, each crediting {@code amount}; may then lose its answer. */
  private Outcome creditTwice(BranchContext ctx, long amount) throws Exception {
    barrier.call(ctx, tx -> credit(tx, amount));
    Outcome second = barrier.call(ctx, tx -> credit(tx, amount));
    if (lostAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("the answer was lost after both local commits");
    }
    return second;
  }

  private static Outcome credit(MemoryBarrier.Tx tx, long amount) {
    tx.add("account", amount);
    return Outcome.success();
  }

  @Test
  void saga_handlerWithTwoBarrierCalls_creditsTwice() {
    String gid = tm.saga().step("creditTwice", "debitTwice", 5L).submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(barrier.value("account")).isEqualTo(10);
  }

  @Test
  void saga_handlerWithTwoBarrierCallsRetriedAfterALostAnswer_creditsTwiceOnly() {
    lostAnswers.set(1);

    String gid = tm.saga().step("creditTwice", "debitTwice", 5L).submit();
    h.clock.advance(Harness.RETRY.multipliedBy(2)); // the first retry waits two intervals, as in DTM
    tm.runRecoveryPass();

    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
    assertThat(barrier.value("account")).isEqualTo(10);
  }

  @Test
  void saga_laterStepFails_compensationWithTwoBarrierCallsUndoesBoth() {
    String gid = tm.saga().step("creditTwice", "debitTwice", 5L).step("refuse", "noop", 0L)
        .submit();

    assertThat(h.status(gid)).isEqualTo(TxStatus.FAILED);
    assertThat(barrier.value("account")).isZero();
  }
}

package io.jdtm.it;

import static io.jdtm.BranchOp.ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jdtm.BranchView;
import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxResult;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Java handler called on the driving thread is interrupted by the manager's watchdog at the
 * request timeout; its outcome counts as unknown (retried later), as for a call on the executor,
 * and the driving thread goes on uninterrupted. The watchdog runs in real time, so the waits here
 * are bounded liveness limits, not timed assertions.
 */
class InlineHandlerTimeoutTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(100);
  /** A liveness bound far above the request timeout. */
  private static final Duration BOUND = Duration.ofSeconds(20);

  private final Harness h = new Harness();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Thread> calledOn = new AtomicReference<>();
  private final AtomicReference<Thread> submittedOn = new AtomicReference<>();

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** A manager whose handler "hang" hangs on its first call and succeeds afterwards. */
  private TransactionManager manager() {
    return h.manager("n1", b -> b.requestTimeout(REQUEST_TIMEOUT)
        .handler("hang", Integer.class, (ctx, payload) -> {
          calledOn.set(Thread.currentThread());
          if (calls.incrementAndGet() == 1) {
            new CountDownLatch(1).await(BOUND.toSeconds(), TimeUnit.SECONDS);
            return Outcome.failure("not interrupted"); // only if the watchdog never fired
          }
          return Outcome.success();
        }));
  }

  @Test
  void hungHandlerOnTheDrivingThread_isInterruptedAtTheRequestTimeout_asAnUnknownOutcome() {
    TransactionManager tm = manager();

    String gid = assertTimeoutPreemptively(BOUND, () -> {
      submittedOn.set(Thread.currentThread());
      String submitted = tm.saga().step("hang", "hang", 1).submit();
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      return submitted;
    });

    assertThat(calledOn.get()).as("called on the submitting thread").isSameAs(submittedOn.get());
    BranchView action = tm.find(gid).orElseThrow().branch("01", ACTION);
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUBMITTED);
    assertThat(action.attempts()).isEqualTo(1);
    assertThat(action.lastError()).isEqualTo("no answer within 100 ms");

    h.clock.advance(Harness.LEASE);
    tm.runRecoveryPass();
    assertThat(h.status(gid)).isEqualTo(TxStatus.SUCCEEDED);
  }

  @Test
  void submitAndWait_onTheMemoryStore_drivesOnTheCallingThread_andTimesAHungHandlerOut() {
    TransactionManager tm = manager();

    TxResult result = assertTimeoutPreemptively(BOUND, () -> {
      submittedOn.set(Thread.currentThread());
      TxResult r = tm.saga().step("hang", "hang", 1).submitAndWait(Duration.ofSeconds(1));
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      return r;
    });

    assertThat(calledOn.get()).isSameAs(submittedOn.get());
    assertThat(result.status()).isEqualTo(TxStatus.SUBMITTED);
    assertThat(calls).hasValue(1);
  }

  @Test
  void submitAndWait_onTheMemoryStore_returnsTheEndWithoutAHandOff() {
    TransactionManager tm = h.manager("n1", b -> b.executor(task -> {
      throw new AssertionError("nothing is handed to the executor");
    }));

    TxResult result = tm.saga().step("bankA", "bankA", new Transfer("A", 1))
        .step("bankB", "bankB", new Transfer("B", 1)).submitAndWait(Duration.ofSeconds(30));

    assertThat(result.status()).isEqualTo(TxStatus.SUCCEEDED);
  }
}

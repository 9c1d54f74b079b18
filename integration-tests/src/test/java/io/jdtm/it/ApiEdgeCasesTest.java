package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jdtm.Outcome;
import io.jdtm.Saga;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Validation gaps, secrets in messages, lifecycle. */
class ApiEdgeCasesTest {
  private Harness h;

  record Amount(long cents) {}

  @BeforeEach
  void setUp() {
    h = new Harness();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Target.parse quotes non-HTTP targets verbatim: credentials in a mistyped URL leak. */
  @Test
  void unsupportedTargetWithCredentials_isNotEchoedInTheException() {
    TransactionManager tm = h.manager("n");

    assertThatThrownBy(() -> tm.saga().step("ftp://svc:S3cr3tPw@bank/x", "bankA",
            new Transfer("A", 1)).submit())
        .isInstanceOf(io.jdtm.InvalidTransactionException.class)
        .hasMessageNotContaining("S3cr3tPw");
    assertThatThrownBy(() -> tm.saga().step("bankA", "redis://:S3cr3tPw@cache:6379", 
            new Transfer("A", 1)).submit())
        .hasMessageNotContaining("S3cr3tPw");
  }

  /** Jackson's original message quotes payload values; Payloads.checkFits puts it in the error. */
  @Test
  void payloadThatDoesNotFit_doesNotEchoPayloadValuesInTheException() {
    TransactionManager tm = h.manager("n", b -> b.handler("typed", Amount.class,
        (ctx, a) -> Outcome.success()));

    assertThatThrownBy(() -> tm.saga().step("typed", "typed",
            Map.of("cents", "tok_live_4242424242424242")).submit())
        .isInstanceOf(io.jdtm.PayloadCodecException.class)
        .hasMessageNotContaining("4242424242424242");
  }

  /** submitAndWait(null) stores and starts the saga, then throws NullPointerException. */
  @Test
  void submitAndWait_nullTimeout_failsBeforeStoringAnything() {
    TransactionManager tm = h.manager("n");

    assertThatThrownBy(() -> tm.saga("w-1").step("bankA", "bankA", new Transfer("A", 1))
        .submitAndWait(null).status()).isInstanceOf(NullPointerException.class);
    assertThat(h.store.query(TxQuery.all(10)).records()).as("stored before failing").isEmpty();
    assertThat(h.ledger.entries()).as("called before failing").isEmpty();
  }

  /** The caller drives the saga only while its timeout lasts; the executor finishes it. */
  @Test
  void submitAndWait_timeoutSpent_returnsAtOnceAndTheSagaFinishesOnTheExecutor() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      TransactionManager tm = h.manager("n", b -> b.executor(pool)
          .handler("blocking", Amount.class, (ctx, a) ->
              release.await(30, TimeUnit.SECONDS) ? Outcome.success() : Outcome.failure("late")));
      Saga saga = tm.saga("w-2").requestTimeout(Duration.ofMinutes(1))
          .step("bankA", "bankA", new Transfer("A", 1))
          .step("blocking", "bankA", new Amount(1));

      TxStatus status = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> saga.submitAndWait(Duration.ofNanos(1)).status());

      assertThat(status).isEqualTo(TxStatus.SUBMITTED);
      release.countDown();
      assertThat(tm.await("w-2", Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.SUCCEEDED);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Interrupting a submitAndWait caller ends its wait, not its saga: the round it cut short is
   * not recorded (no attempt counted, even with retryLimit(0)) and the executor goes on.
   */
  @Test
  void submitAndWait_callerInterrupted_theSagaStillSucceeds() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      TransactionManager tm = h.manager("n", b -> b.executor(pool)
          .handler("slow", Amount.class, (ctx, a) -> {
            if (calls.incrementAndGet() == 1) {
              entered.countDown();
              // interrupted when the caller stops waiting; a real service would go on
              release.await(30, TimeUnit.SECONDS);
            }
            return Outcome.success();
          }));
      Saga saga = tm.saga("w-3").retryLimit(0).requestTimeout(Duration.ofMinutes(1))
          .step("slow", "bankA", new Amount(1));
      Thread caller = new Thread(() -> {
        try {
          saga.submitAndWait(Duration.ofMinutes(1));
        } catch (io.jdtm.JdtmException e) {
          // "interrupted while awaiting": expected
        }
      });
      caller.start();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      caller.interrupt();
      caller.join(10_000);
      assertThat(caller.isAlive()).as("caller still waiting").isFalse();

      assertThat(tm.await("w-3", Duration.ofSeconds(10)).status()).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(calls.get()).isEqualTo(2);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /** await(gid, a "forever" timeout) throws ArithmeticException from Duration.toNanos. */
  @Test
  void await_withAVeryLongTimeout_returnsTheTerminalStatus() {
    TransactionManager tm = h.manager("n");
    String gid = tm.saga().step("bankA", "bankA", new Transfer("A", 1)).submit();

    assertThat(tm.await(gid, ChronoUnit.FOREVER.getDuration()).status())
        .isEqualTo(TxStatus.SUCCEEDED);
  }

  /**
   * shutdownTimeout accepts any non-negative Duration; a very long one makes close() throw
   * ArithmeticException (InFlight.awaitIdle: toNanos) after marking the manager closed, so
   * halt() never runs: the owned executor is never shut down and a second close() is a no-op.
   */
  @Test
  void close_withAVeryLongShutdownTimeout_isRejectedWhenSet() {
    assertThatThrownBy(() -> TransactionManager.builder()
        .shutdownTimeout(ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdownTimeout");
  }

  /** DESIGN 9: "Configuration errors throw at build(), not later." */
  @Test
  void lease_thatCannotBeUsed_isRejectedAtBuild() {
    assertThatThrownBy(() -> h.manager("n", b -> b.lease(ChronoUnit.FOREVER.getDuration())))
        .isInstanceOfAny(IllegalArgumentException.class, IllegalStateException.class);
  }

  /** A sub-millisecond poll interval would make await spin on the store: rejected when set. */
  @Test
  void pollInterval_belowAMillisecond_isRejectedWhenSet() {
    assertThatThrownBy(() -> TransactionManager.builder().pollInterval(Duration.ofNanos(500_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
  }

  /** Even at the shortest poll interval, await waits between store reads. */
  @Test
  void await_withTheShortestPollInterval_doesNotSpinOnTheStore() {
    CountingStore counting = new CountingStore(h.store);
    TransactionManager tm = TransactionManager.builder().store(counting).clock(h.clock)
        .executor(Runnable::run).pollInterval(Duration.ofMillis(1))
        .handler("slow", Object.class, (ctx, p) -> Outcome.ongoing()).build();
    String gid = tm.saga().step("slow", "slow", 1).submit();
    counting.loads.set(0);

    tm.await(gid, Duration.ofMillis(300));

    assertThat(counting.loads.get()).as("store loads during a 300 ms await")
        .isLessThan(100);
    tm.halt();
  }
}

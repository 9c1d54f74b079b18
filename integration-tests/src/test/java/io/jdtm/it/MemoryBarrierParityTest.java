package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.testkit.MemoryBarrier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Review 2: MemoryBarrier claims "the same rules as the JDBC barrier", but (1) it runs every
 * business under one global lock, so a slow local transaction of one gid blocks every other gid's
 * calls and check-backs (JDBC serializes per key only; a nested TCC whose parent try runs under
 * the barrier waits out its request timeout), and (2) it validates nothing the JDBC barrier
 * rejects before any SQL.
 *
 * <p>Several barrier calls in one delivery of a branch op: the in-memory barrier numbers them as
 * the JDBC barrier does (01, 02, ... per delivery), so each call's effect happens once across
 * redeliveries, null compensations and half-finished deliveries, with the same answers on both.
 */
class MemoryBarrierParityTest {
  private static final String GID = "multi-call";
  private static final String ACCOUNT = "acct";

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

  static List<BarrierFixture> barriers() {
    return BarrierFixture.local();
  }

  @ParameterizedTest
  @MethodSource("barriers")
  void twoCallsInOneDelivery_eachRunsOnceAndARedeliveryRunsNone(BarrierFixture fixture)
      throws Exception {
    try (KvBarrier db = open(fixture)) {
      AtomicInteger runs = new AtomicInteger();

      List<Outcome> first = deliver(db, ctx(Mode.SAGA, BranchOp.ACTION), runs, -1, -10);
      List<Outcome> again = deliver(db, ctx(Mode.SAGA, BranchOp.ACTION), runs, -1, -10);

      assertThat(first).containsExactly(Outcome.success(), Outcome.success());
      assertThat(again).containsExactly(Outcome.success(), Outcome.success());
      assertThat(runs).hasValue(2);
      assertThat(db.value(ACCOUNT)).isEqualTo(989);
    }
  }

  @ParameterizedTest
  @MethodSource("barriers")
  void threeCallsInOneDelivery_eachActionAndCompensationRunsOnce(BarrierFixture fixture)
      throws Exception {
    try (KvBarrier db = open(fixture)) {
      AtomicInteger actions = new AtomicInteger();
      AtomicInteger compensations = new AtomicInteger();

      for (int delivery = 0; delivery < 2; delivery++) {
        deliver(db, ctx(Mode.SAGA, BranchOp.ACTION), actions, -1, -10, -100);
      }
      long afterActions = db.value(ACCOUNT);
      for (int delivery = 0; delivery < 2; delivery++) {
        deliver(db, ctx(Mode.SAGA, BranchOp.COMPENSATE), compensations, 1, 10, 100);
      }

      assertThat(afterActions).isEqualTo(889);
      assertThat(actions).hasValue(3);
      assertThat(compensations).hasValue(3);
      assertThat(db.value(ACCOUNT)).isEqualTo(1000);
    }
  }

  @ParameterizedTest
  @MethodSource("barriers")
  void cancelBeforeATwoCallTry_isNullCancelAndBlocksBothLateCalls(BarrierFixture fixture)
      throws Exception {
    try (KvBarrier db = open(fixture)) {
      AtomicInteger runs = new AtomicInteger();

      List<Outcome> cancel = deliver(db, ctx(Mode.TCC, BranchOp.CANCEL), runs, 1, 10);
      List<Outcome> lateTry = deliver(db, ctx(Mode.TCC, BranchOp.TRY), runs, -1, -10);

      assertThat(cancel).containsExactly(Outcome.success(), Outcome.success());
      assertThat(lateTry).containsExactly(Outcome.success(), Outcome.success());
      assertThat(runs).hasValue(0);
      assertThat(db.value(ACCOUNT)).isEqualTo(1000);
    }
  }

  @ParameterizedTest
  @MethodSource("barriers")
  void redeliveryAfterADeliveryDiedAfterItsFirstCall_runsOnlyTheSecondCall(
      BarrierFixture fixture) throws Exception {
    try (KvBarrier db = open(fixture)) {
      AtomicInteger runs = new AtomicInteger();
      deliver(db, ctx(Mode.SAGA, BranchOp.ACTION), runs, -1); // then the process died

      List<Outcome> redelivery = deliver(db, ctx(Mode.SAGA, BranchOp.ACTION), runs, -1, -10);
      List<Outcome> compensate = deliver(db, ctx(Mode.SAGA, BranchOp.COMPENSATE), runs, 1, 10);

      assertThat(redelivery).containsExactly(Outcome.success(), Outcome.success());
      assertThat(compensate).containsExactly(Outcome.success(), Outcome.success());
      assertThat(runs).hasValue(4);
      assertThat(db.value(ACCOUNT)).isEqualTo(1000);
    }
  }

  @ParameterizedTest
  @MethodSource("barriers")
  void secondMsgCallOfOneContext_isRefusedWithoutBusiness(BarrierFixture fixture)
      throws Exception {
    try (KvBarrier db = open(fixture)) {
      AtomicInteger runs = new AtomicInteger();
      BranchContext local = BranchContext.of(GID, Mode.MSG, "00", BranchOp.MSG);
      deliver(db, local, runs, -1);

      assertThatThrownBy(() -> deliver(db, local, runs, -10))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("one barrier call");
      assertThat(runs).hasValue(1);
      assertThat(db.value(ACCOUNT)).isEqualTo(999);
      assertThat(db.barrier().queryPrepared(GID)).isEqualTo(Outcome.success());
    }
  }

  private static KvBarrier open(BarrierFixture fixture) throws Exception {
    KvBarrier db = fixture.open();
    db.set(ACCOUNT, 1000);
    return db;
  }

  /** A new delivery of one op of branch 01 of {@link #GID}. */
  private static BranchContext ctx(Mode mode, BranchOp op) {
    return BranchContext.of(GID, mode, "01", op);
  }

  /** One delivery whose handler makes one barrier call per amount, in order. */
  private static List<Outcome> deliver(KvBarrier db, BranchContext delivery, AtomicInteger runs,
      long... amounts) throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    for (long amount : amounts) {
      outcomes.add(db.call(delivery, kv -> {
        runs.incrementAndGet();
        kv.add(ACCOUNT, amount);
        return Outcome.success();
      }));
    }
    return outcomes;
  }
}

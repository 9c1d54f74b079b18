package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Barrier.LocalWork;
import io.jdtm.BranchContext;
import io.jdtm.BranchOp;
import io.jdtm.InvalidTransactionException;
import io.jdtm.Mode;
import io.jdtm.Outcome;
import io.jdtm.testkit.BarrierContract;
import io.jdtm.testkit.ManualClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Redis barrier on the shared Redis: the testkit's contract (several calls per branch) and
 * DTM's rules as the JDBC barrier's contract states them (duplicates, null compensation,
 * anti-hanging, TCC, rollback of the keys with the work, message check-back, purge). Accounts are
 * integer keys under this class's own prefix; effects are observed with plain GETs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBarrierContractIT extends BarrierContract<RedisBarrier.Effects> {
  private static final AtomicInteger GIDS = new AtomicInteger();

  private final String prefix = RedisServers.uniquePrefix("barrier");
  private final AtomicInteger accounts = new AtomicInteger();
  private RedisBarrier barrier;
  private RedisClient client;
  private RedisCommands<String, String> redis;

  @BeforeAll
  void open() {
    String uri = RedisServers.sharedUri();
    barrier = RedisBarrier.builder().uri(uri).keyPrefix(prefix).build();
    client = RedisClient.create(RedisURI.create(uri));
    StatefulRedisConnection<String, String> c = client.connect();
    redis = c.sync();
  }

  @AfterAll
  void close() {
    if (barrier != null) {
      barrier.purgeOlderThan(Instant.now().plus(Duration.ofDays(1)));
      barrier.close();
    }
    if (redis != null) {
      redis.keys(prefix + "*").forEach(redis::del);
      client.shutdown();
    }
  }

  @Override
  protected RedisBarrier barrier() {
    return barrier;
  }

  @Override
  protected String openAccount(long balance) {
    String account = prefix + "acct:" + accounts.incrementAndGet();
    redis.set(account, Long.toString(balance));
    return account;
  }

  @Override
  protected void add(RedisBarrier.Effects tx, String account, long delta) {
    tx.incrBy(account, delta);
  }

  @Override
  protected long balance(String account) {
    return Long.parseLong(redis.get(account));
  }

  private static String newGid() {
    return "rb-" + ProcessHandle.current().pid() + "-" + GIDS.incrementAndGet();
  }

  private static BranchContext ctx(String gid, Mode mode, BranchOp op) {
    return BranchContext.of(gid, mode, "01", op);
  }

  private static Supplier<BranchContext> deliveries(String gid, Mode mode, BranchOp op) {
    return () -> ctx(gid, mode, op);
  }

  private static BranchContext msg(String gid) {
    return BranchContext.of(gid, Mode.MSG, "00", BranchOp.MSG);
  }

  private static LocalWork<RedisBarrier.Effects> move(String account, long delta,
      AtomicInteger runs) {
    return moveThen(account, delta, runs, Outcome.success());
  }

  private static LocalWork<RedisBarrier.Effects> moveThen(String account, long delta,
      AtomicInteger runs, Outcome outcome) {
    return fx -> {
      runs.incrementAndGet();
      fx.incrBy(account, delta);
      return outcome;
    };
  }

  @Test
  void call_firstAction_runsWorkOnceAndAppliesIt() throws Exception {
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();

    Outcome outcome = barrier.call(ctx(newGid(), Mode.SAGA, BranchOp.ACTION),
        move(account, -30, runs));

    assertThat(outcome).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void call_workSucceedsWithAResult_answersThatResult() throws Exception {
    String account = openAccount(100);

    Outcome outcome = barrier.call(ctx(newGid(), Mode.SAGA, BranchOp.ACTION), fx -> {
      fx.incrBy(account, -1);
      return Outcome.success("receipt-7");
    });

    assertThat(outcome).isEqualTo(Outcome.success("receipt-7"));
    assertThat(balance(account)).isEqualTo(99);
  }

  @Test
  void call_repeatedAction_skipsWork() throws Exception {
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    barrier.call(action.get(), move(account, -30, runs));

    Outcome again = barrier.call(action.get(), move(account, -30, runs));

    assertThat(again).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void call_compensateAfterAction_runsCompensationOnce() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger compensations = new AtomicInteger();
    barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION), move(account, -30, new AtomicInteger()));

    Outcome first = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        move(account, 30, compensations));
    Outcome second = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        move(account, 30, compensations));

    assertThat(first).isEqualTo(Outcome.success());
    assertThat(second).isEqualTo(Outcome.success());
    assertThat(compensations).hasValue(1);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_compensateBeforeAction_isNullCompensationAndBlocksTheLateAction() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome compensate = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
        move(account, 30, runs));
    Outcome lateAction = barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION),
        move(account, -30, runs));

    assertThat(compensate).isEqualTo(Outcome.success());
    assertThat(lateAction).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_tccTryConfirmRepeated_runsEachOnce() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger confirms = new AtomicInteger();

    for (int i = 0; i < 2; i++) {
      assertThat(barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), move(account, -30, tries)))
          .isEqualTo(Outcome.success());
      assertThat(barrier.call(ctx(gid, Mode.TCC, BranchOp.CONFIRM), move(account, 5, confirms)))
          .isEqualTo(Outcome.success());
    }

    assertThat(tries).hasValue(1);
    assertThat(confirms).hasValue(1);
    assertThat(balance(account)).isEqualTo(75);
  }

  @Test
  void call_tccCancelAfterTry_runsCancelOnceAndBlocksARepeatedTry() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger tries = new AtomicInteger();
    AtomicInteger cancels = new AtomicInteger();
    barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), move(account, -30, tries));

    barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), move(account, 30, cancels));
    barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), move(account, 30, cancels));
    Outcome tryAgain = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), move(account, -30, tries));

    assertThat(tryAgain).isEqualTo(Outcome.success());
    assertThat(tries).hasValue(1);
    assertThat(cancels).hasValue(1);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_tccCancelBeforeTry_isNullCancelAndBlocksTheLateTry() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome cancel = barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), move(account, 30, runs));
    Outcome lateTry = barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), move(account, -30, runs));
    Outcome cancelAgain = barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL),
        move(account, 30, runs));

    assertThat(cancel).isEqualTo(Outcome.success());
    assertThat(lateTry).isEqualTo(Outcome.success());
    assertThat(cancelAgain).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(0);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_sameGidOtherModeOrBranchOrCase_isAnotherKey() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION), move(account, -1, runs));
    barrier.call(ctx(gid, Mode.WORKFLOW, BranchOp.ACTION), move(account, -1, runs));
    barrier.call(BranchContext.of(gid, Mode.SAGA, "02", BranchOp.ACTION), move(account, -1, runs));
    barrier.call(ctx(gid.toUpperCase(Locale.ROOT), Mode.SAGA, BranchOp.ACTION),
        move(account, -1, runs));

    assertThat(runs).hasValue(4);
    assertThat(balance(account)).isEqualTo(96);
  }

  @Test
  void call_colonsInGidAndBranch_doNotMakeTwoCallsOneKey() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    barrier.call(BranchContext.of(gid + ":a", Mode.SAGA, "b", BranchOp.ACTION),
        move(account, -1, runs));
    barrier.call(BranchContext.of(gid, Mode.SAGA, "a:b", BranchOp.ACTION),
        move(account, -1, runs));

    assertThat(runs).hasValue(2);
    assertThat(balance(account)).isEqualTo(98);
  }

  @Test
  void call_workFailure_appliesNothingAndWritesNoKeySoARetryRuns() throws Exception {
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();
    String gid = newGid();
    Supplier<BranchContext> action = deliveries(gid, Mode.SAGA, BranchOp.ACTION);

    Outcome refused = barrier.call(action.get(),
        moveThen(account, -30, runs, Outcome.failure("insufficient funds")));
    long afterRefusal = balance(account);
    long keysAfterRefusal = barrierKeys(gid);
    Outcome retried = barrier.call(action.get(), move(account, -30, runs));

    assertThat(refused).isEqualTo(Outcome.failure("insufficient funds"));
    assertThat(afterRefusal).isEqualTo(100);
    assertThat(keysAfterRefusal).isZero();
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void call_workThrows_appliesNothingAndRethrowsSoARetryRuns() throws Exception {
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();
    String gid = newGid();
    IllegalStateException boom = new IllegalStateException("boom");
    barrier.call(ctx(gid, Mode.TCC, BranchOp.TRY), move(account, -30, runs));

    assertThatThrownBy(() -> barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), fx -> {
      fx.incrBy(account, 30);
      throw boom;
    })).isSameAs(boom);
    long afterThrow = balance(account);
    Outcome retried = barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), move(account, 30, runs));

    assertThat(afterThrow).isEqualTo(70);
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_workOngoing_appliesNothingSoARetryRuns() throws Exception {
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();
    Supplier<BranchContext> action = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);

    Outcome ongoing = barrier.call(action.get(),
        moveThen(account, -30, runs, Outcome.ongoing()));
    Outcome retried = barrier.call(action.get(), move(account, -30, runs));

    assertThat(ongoing).isEqualTo(Outcome.ongoing());
    assertThat(retried).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(2);
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void call_workReturnsNull_isFailureAndAppliesNothing() throws Exception {
    String account = openAccount(100);

    Outcome outcome = barrier.call(ctx(newGid(), Mode.SAGA, BranchOp.ACTION), fx -> {
      fx.incrBy(account, -30);
      return null;
    });

    assertThat(outcome.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(outcome.reason()).contains("null");
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_invalidIds_throwBeforeAnyCommand() {
    AtomicInteger runs = new AtomicInteger();
    String account = openAccount(100);

    assertThatThrownBy(() -> barrier.call(BranchContext.of("bad gid", Mode.SAGA, "01",
        BranchOp.ACTION), move(account, -1, runs)))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("'bad gid'");
    assertThatThrownBy(() -> barrier.call(BranchContext.of(newGid(), Mode.SAGA, "0 1",
        BranchOp.ACTION), move(account, -1, runs)))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("'0 1'");
    assertThatThrownBy(() -> barrier.call(BranchContext.of(newGid(), Mode.SAGA, "00",
        BranchOp.MSG), move(account, -1, runs)))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("mode msg");
    assertThatThrownBy(() -> barrier.queryPrepared("a|b"))
        .isInstanceOf(InvalidTransactionException.class).hasMessageContaining("'a|b'");
    assertThat(runs).hasValue(0);
  }

  @Test
  void queryPrepared_afterMsgCall_succeedsEveryTime() throws Exception {
    String account = openAccount(100);
    String gid = newGid();

    Outcome local = barrier.call(msg(gid), move(account, -30, new AtomicInteger()));
    Outcome checkBack = barrier.queryPrepared(gid);
    Outcome checkBackAgain = barrier.queryPrepared(gid);

    assertThat(local).isEqualTo(Outcome.success());
    assertThat(checkBack).isEqualTo(Outcome.success());
    assertThat(checkBackAgain).isEqualTo(Outcome.success());
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void call_msgRepeated_skipsWork() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();
    barrier.call(msg(gid), move(account, -30, runs));

    Outcome again = barrier.call(msg(gid), move(account, -30, runs));

    assertThat(again).isEqualTo(Outcome.success());
    assertThat(runs).hasValue(1);
    assertThat(balance(account)).isEqualTo(70);
  }

  @Test
  void queryPrepared_beforeMsgCall_failsAndTheLocalTransactionNeverRuns() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger runs = new AtomicInteger();

    Outcome checkBack = barrier.queryPrepared(gid);
    Outcome checkBackAgain = barrier.queryPrepared(gid);
    Outcome lateLocal = barrier.call(msg(gid), move(account, -30, runs));

    assertThat(checkBack.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(checkBackAgain.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(lateLocal.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(lateLocal.reason()).contains("check-back");
    assertThat(runs).hasValue(0);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void queryPrepared_whileTheLocalWorkRuns_failsAndTheWorkAppliesNothing() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    Outcome[] checkBack = new Outcome[1];

    Outcome local = barrier.call(msg(gid), fx -> {
      fx.incrBy(account, -30);
      checkBack[0] = barrier.queryPrepared(gid); // arrives before the work's effects apply
      return Outcome.success();
    });

    assertThat(checkBack[0].kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(local.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(barrier.queryPrepared(gid).kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void call_compensationArrivesWhileTheActionWorkRuns_actionAppliesNothing() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    AtomicInteger compensations = new AtomicInteger();
    Outcome[] compensation = new Outcome[1];

    Outcome action = barrier.call(ctx(gid, Mode.SAGA, BranchOp.ACTION), fx -> {
      fx.incrBy(account, -30);
      compensation[0] = barrier.call(ctx(gid, Mode.SAGA, BranchOp.COMPENSATE),
          move(account, 30, compensations));
      return Outcome.success();
    });

    assertThat(compensation[0]).isEqualTo(Outcome.success());
    assertThat(compensations).as("a null compensation").hasValue(0);
    assertThat(action).as("the blocked action answers as a repeat").isEqualTo(Outcome.success());
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void queryPrepared_afterMsgWorkFailed_fails() throws Exception {
    String account = openAccount(100);
    String gid = newGid();
    barrier.call(msg(gid), moveThen(account, -30, new AtomicInteger(), Outcome.failure("no")));

    Outcome checkBack = barrier.queryPrepared(gid);

    assertThat(checkBack.kind()).isEqualTo(Outcome.Kind.FAILURE);
    assertThat(balance(account)).isEqualTo(100);
  }

  @Test
  void purgeOlderThan_oldKeys_deletesThemSoAnOldDuplicateWouldRunAgain() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2001-01-01T00:00:00Z"));
    String account = openAccount(100);
    AtomicInteger runs = new AtomicInteger();
    String purgePrefix = RedisServers.uniquePrefix("barrier");
    Supplier<BranchContext> old = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    Supplier<BranchContext> recent = deliveries(newGid(), Mode.SAGA, BranchOp.ACTION);
    try (RedisBarrier clocked = RedisBarrier.builder().uri(RedisServers.sharedUri())
        .keyPrefix(purgePrefix).clock(clock).build()) {
      clocked.call(old.get(), move(account, -1, runs));
      Instant cutoff = clock.advance(Duration.ofDays(1));
      clocked.call(recent.get(), move(account, -1, runs));

      long purged = clocked.purgeOlderThan(cutoff);
      long purgedAgain = clocked.purgeOlderThan(cutoff);

      assertThat(purged).isEqualTo(1);
      assertThat(purgedAgain).isZero();
      clocked.call(old.get(), move(account, -1, runs));
      clocked.call(recent.get(), move(account, -1, runs));
      assertThat(clocked.purgeOlderThan(clock.advance(Duration.ofDays(1)))).isEqualTo(2);
    }
    assertThat(runs).hasValue(3);
    assertThat(balance(account)).isEqualTo(97);
    assertThat(redis.keys(purgePrefix + "*")).isEmpty();
  }

  @Test
  void call_keys_neverExpire() throws Exception {
    String gid = newGid();
    barrier.call(ctx(gid, Mode.TCC, BranchOp.CANCEL), fx -> Outcome.success());

    assertThat(redis.keys(prefix + "barrier:{" + gid + "}*")).hasSize(2)
        .allSatisfy(key -> assertThat(redis.ttl(key)).isEqualTo(-1));
  }

  private long barrierKeys(String gid) {
    return redis.keys(prefix + "barrier:{" + gid + "}*").size();
  }
}
